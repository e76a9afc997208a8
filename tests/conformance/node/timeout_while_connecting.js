'use strict';
// The idle timeout counts from setTimeout() (or the `timeout` connect option),
// not from 'connect': it fires while a custom lookup has not answered. One
// lookup never answers (the listener destroys the socket); one answers late
// (the socket then connects, and the timer, re-armed by the connect, fires
// again). A lookup only applies to TCP.
const net = require('net');
const { log, trace } = require('./_trace');

function late(host, opts, cb) {
  log('late lookup', host, opts.all === true);
  setTimeout(() => {
    if (opts.all) cb(null, [{ address: '127.0.0.1', family: 4 }]);
    else cb(null, '127.0.0.1', 4);
  }, 150);
}

const server = net.createServer((c) => {
  c.resume();
  c.on('end', () => c.end());
});
server.listen(0, '127.0.0.1', () => {
  const port = server.address().port;
  const never = net.connect({ host: 'never.test', port, timeout: 50, lookup: () => log('never lookup') });
  never.on('timeout', () => {
    log('never timeout', never.connecting, never.pending, never.readyState, never.timeout);
    never.destroy();
  });
  trace(never, 'never', 'lookup', 'connect', 'error');
  never.on('close', (hadError) => {
    log('never close', hadError);
    lateOne(port);
  });
});

function lateOne(port) {
  const s = net.connect({ host: 'late.test', port, lookup: late });
  s.setTimeout(50);
  let count = 0;
  s.on('timeout', () => {
    count += 1;
    log('late timeout', count, s.connecting, s.readyState);
    if (!s.connecting) s.end();
  });
  trace(s, 'late', 'lookup', 'connect', 'end', 'error');
  s.on('close', (hadError) => {
    log('late close', hadError);
    server.close();
  });
}
