'use strict';
// The highWaterMark stream options: on new Socket (both, or readable and
// writable apart), on net.connect, and createServer's for accepted sockets;
// write() while connecting answers against the writable limit; bad values
// are ERR_INVALID_ARG_VALUE (trionet names the snake_case key, so only the
// code is compared).
const net = require('net');
const { log, grouped } = require('./_trace');

grouped(); // the client's and the server's events race: each side's order is compared

const marks = (s) => [s.readableHighWaterMark, s.writableHighWaterMark];
log('default', ...marks(new net.Socket()));
log('both', ...marks(new net.Socket({ highWaterMark: 1024 })));
log('apart', ...marks(new net.Socket({ readableHighWaterMark: 100, writableHighWaterMark: 0 })));
log('integral float', ...marks(new net.Socket({ highWaterMark: 2.0 })));
for (const bad of [-1, 1.5, 'x', true]) {
  try {
    new net.Socket({ highWaterMark: bad });
    log('bad', bad, 'accepted');
  } catch (e) {
    log('bad', bad, e.code);
  }
}
const server = net.createServer({ highWaterMark: 4096 }, (c) => {
  log('server accepted', ...marks(c));
  c.on('data', () => {});
  c.on('end', () => c.end());
});
server.listen(0, '127.0.0.1', () => {
  const s = net.connect({ port: server.address().port, host: '127.0.0.1', writableHighWaterMark: 4 });
  log('client', ...marks(s));
  log('client write 3 while connecting', s.write('abc'));
  log('client write 3 more while connecting', s.write('def'));
  s.on('drain', () => log('client drain', s.writableLength));
  s.on('connect', () => s.end());
  s.on('close', () => {
    log('client close');
    server.close();
  });
});
