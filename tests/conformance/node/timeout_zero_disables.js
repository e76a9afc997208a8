'use strict';
// setTimeout(0) disables a pending idle timeout (and removes the callback).
const net = require('net');
const { log, trace } = require('./_trace');

const server = net.createServer((c) => {
  c.resume();
  c.on('close', () => server.close());
});
server.listen(0, '127.0.0.1', () => {
  const client = net.connect(server.address().port, '127.0.0.1', () => {
    const cb = () => log('timeout cb');
    client.setTimeout(40, cb);
    client.setTimeout(0, cb);
    log('listeners', client.listenerCount('timeout'), client.timeout);
    setTimeout(() => {
      log('no timeout so far');
      client.end();
    }, 150);
  });
  trace(client, 'client', 'timeout', 'close');
  client.resume();
});
