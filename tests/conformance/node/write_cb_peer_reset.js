'use strict';
// The peer resets the connection (resetAndDestroy) while a big write is in
// flight, another is queued and end() waits. The client is reading, so the
// reset is seen by a read (ECONNRESET, syscall read) and destroys the socket:
// 'error' first; the write in flight then completes on a destroyed stream
// (null, as Node's onWriteComplete); the queued write and end()'s callback
// get the socket's error; then 'close'(true).
const net = require('net');
const { log } = require('./_trace');

const server = net.createServer({ pauseOnConnect: true }, (c) => {
  c.on('error', () => {});
  setTimeout(() => {
    c.resetAndDestroy();
    server.close();
  }, 100);
});
server.listen(0, '127.0.0.1', () => {
  const s = net.connect(server.address().port, '127.0.0.1');
  s.on('connect', () => {
    s.write(Buffer.alloc(16 << 20, 'x'), (err) => log('big cb', err));
    s.write('a', (err) => log('a cb', err));
    s.end('b', (err) => log('end cb', err));
  });
  s.on('error', (e) => log('error', e));
  s.on('close', (hadError) => log('close', hadError));
});
