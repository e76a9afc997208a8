'use strict';
// An accepted socket's remote address after 'close': Node asks the kernel
// (getpeername) on first use and caches the answer, so it is still known in
// 'close' when something asked while the connection was open, and undefined
// when nothing did (no handle left to ask), also when first asked right after
// destroy(). Also for a client that never asked. (The local end:
// after_close_local_state.)
const net = require('net');
const { log } = require('./_trace');

let accepted = 0;
const server = net.createServer((c) => {
  const n = ++accepted;
  if (n === 1) log('first asked while open', c.remoteAddress, c.remotePort > 0);
  c.on('close', () => {
    log(`server side ${n} closed remote`, c.remoteAddress, c.remotePort > 0, c.remoteFamily);
    if (n === 2) {
      const third = net.connect(server.address().port, '127.0.0.1');
      third.on('error', () => {});
      third.resume();
    }
    if (n === 3) server.close();
  });
  if (n === 3) {
    c.destroy();
    log('third asked after destroy()', c.remoteAddress, c.remotePort > 0, c.remoteFamily);
  } else {
    c.end();
  }
});
server.listen(0, '127.0.0.1', () => {
  const port = server.address().port;
  const first = net.connect(port, '127.0.0.1');
  first.resume();
  first.on('close', () => {
    log('client closed remote', first.remoteAddress, first.remotePort);
    const second = net.connect(port, '127.0.0.1');
    second.resume();
  });
});
