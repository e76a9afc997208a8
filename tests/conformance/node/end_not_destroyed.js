'use strict';
// allowHalfOpen false (the default): when the peer's FIN arrives the socket
// ends its own side too, but it is not destroyed at 'end' nor at 'finish';
// 'close' comes after both. Seen from the side that ends first (the server,
// with data) and from the side that ends in reply (the client), and from the
// client that calls end() first and then gets the server's FIN.
const net = require('net');
const { log, grouped } = require('./_trace');

grouped();
function watch(s, tag) {
  s.on('end', () => log(tag + ' end', s.destroyed, s.readyState, s.readable, s.writable));
  s.on('finish', () => log(tag + ' finish', s.destroyed));
  s.on('close', (hadError) => log(tag + ' close', hadError, s.destroyed));
}

let n = 0;
const server = net.createServer((c) => {
  n += 1;
  watch(c, 'server' + n);
  c.resume();
  if (n === 1) c.end(Buffer.alloc(1024));
  const mine = n;
  c.on('close', () => { if (mine === 2) server.close(); });
});
server.listen(0, '127.0.0.1', () => {
  const port = server.address().port;
  const a = net.connect(port, '127.0.0.1');
  log('a allowHalfOpen', a.allowHalfOpen);
  watch(a, 'a');
  a.resume();
  a.on('close', () => {
    const b = net.connect(port, '127.0.0.1', () => b.end());
    watch(b, 'b');
    b.resume();
  });
});
