'use strict';
// Listening on a port in use: 'error' EADDRINUSE (never thrown by listen()),
// with code, syscall, address, port and message; the server is not listening.
const net = require('net');
const { log } = require('./_trace');

const first = net.createServer();
first.listen(0, '127.0.0.1', () => {
  const second = net.createServer();
  second.on('error', (err) => {
    log('error', err);
    log('listening', second.listening);
    first.close();
  });
  second.on('listening', () => log('unexpected listening'));
  second.listen(first.address().port, '127.0.0.1');
  log('listen() returned');
});
