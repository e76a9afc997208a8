'use strict';
// Ten 2 MB writes, each with a callback, then end(), to a client that
// reads nothing for 100 ms: the last write() returns false (20 MB cannot
// all be taken at once), the callbacks run in order with no error, all
// before the end() callback and 'finish', and the client receives every
// byte in order.
const net = require('net');
const { log, grouped } = require('./_trace');

grouped();
log('server');
log('client');
const SIZE = 2 * 1000 * 1000;
const N = 10;
const server = net.createServer((c) => {
  const returns = [];
  const done = [];
  for (let i = 0; i < N; i++) {
    returns.push(c.write(Buffer.alloc(SIZE, 97 + i), (err) => {
      if (err) log('server write error', i, err);
      done.push(i);
    }));
  }
  log('server last write() returned', returns[N - 1]);
  c.end(() => log('server end callback; callbacks so far', done.length));
  c.on('finish', () => log('server finish: callbacks in order', done));
  c.on('close', (hadError) => {
    log('server close', hadError);
    server.close();
  });
});
server.listen(0, '127.0.0.1', () => {
  const client = net.connect(server.address().port, '127.0.0.1');
  let received = 0;
  let last = 0;
  let ordered = true;
  client.on('data', (d) => {
    for (const byte of [d[0], d[d.length - 1]]) {
      if (byte < last) ordered = false;
      last = byte;
    }
    received += d.length;
  });
  client.pause();
  setTimeout(() => client.resume(), 100);
  client.on('end', () => log('client end: received', received, 'ordered', ordered));
});
