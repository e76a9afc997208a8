'use strict';
// 'listening' is never synchronous with listen(); the listen callback is a
// once('listening') listener, so it runs in registration order with other
// listeners; address() works right after a listen() without a host.
const net = require('net');
const { log } = require('./_trace');

const server = net.createServer();
server.on('listening', () => log('listener added before listen'));
server.listen(0, () => {
  log('listen callback');
  server.close(() => log('closed'));
});
server.on('listening', () => log('listener added after listen'));
log('after listen(): listening', server.listening, 'address', server.address());
