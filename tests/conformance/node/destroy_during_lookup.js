'use strict';
// destroy() while the host name is being looked up: connect() has already
// called the lookup function (synchronously), but its answer is ignored: no
// 'lookup' event, no 'connect', no 'error', just 'close' false; the server
// never sees a connection. Destroyed in the same tick as connect(), and a
// little later, while the lookup is still out.
// Deliberate difference: trionet calls the lookup from the socket's connect
// task, so a destroy() in the same tick as connect() means it is never called
// (Node calls it inside connect()); only the later case prints the call.
const net = require('net');
const { once } = require('events');
const { log, trace } = require('./_trace');

(async () => {
  const server = net.createServer(() => log('unexpected connection'));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  for (const tag of ['same tick', 'later']) {
    const lookup = (host, options, cb) => {
      if (tag === 'later') log(tag + ' lookup called', host);
      setTimeout(() => cb(null, [{ address: '127.0.0.1', family: 4 }]), 30);
    };
    const s = net.connect({ port: server.address().port, host: 'example.test', lookup },
                          () => log(tag + ' connect callback'));
    trace(s, tag, 'lookup', 'connect', 'error');
    if (tag === 'later') await new Promise((resolve) => setTimeout(resolve, 10));
    log(tag + ' before destroy', s.connecting);
    s.destroy();
    log(tag + ' destroyed', s.destroyed, s.connecting);
    const [hadError] = await once(s, 'close');
    log(tag + ' close', hadError);
  }
  setTimeout(() => server.close(), 50);
})();
