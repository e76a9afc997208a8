'use strict';
// listen() on an address this machine does not have (192.0.2.1, TEST-NET-1):
// 'error' EADDRNOTAVAIL carrying address, port and syscall 'listen';
// listen() does not throw; listening is false and address() null after.
// (The listen callback left in place: listen_callback_once.)
const net = require('net');
const { log } = require('./_trace');

const server = net.createServer();
server.on('error', (e) => {
  log('error', e);
  log('after error', server.listening, server.address());
  server.close((err) => log('close callback', err && err.code));
});
server.listen(1, '192.0.2.1', () => log('unexpected listen callback'));
log('listen returned', server.listening);
