'use strict';
// unshift() on a socket that has read nothing (pauseOnConnect) makes Node's
// stream read more (maybeReadMore): the peer's bytes come into the buffer
// behind the unshifted chunk while the socket stays paused; resume() then
// emits both.
const net = require('net');
const { log, sleep } = require('./_trace');

const server = net.createServer({ pauseOnConnect: true }, async (c) => {
  c.unshift(Buffer.from('U'));
  await sleep(100);
  log('after 100 ms', c.isPaused(), c.bytesRead, c.readableLength);
  const got = [];
  c.on('data', (d) => got.push(d));
  c.on('end', () => log('end', Buffer.concat(got)));
  c.on('close', () => server.close());
  c.resume();
});
server.listen(0, '127.0.0.1', () => {
  const s = net.connect(server.address().port, '127.0.0.1', () => s.end('hello'));
  s.resume();
});
