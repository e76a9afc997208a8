'use strict';
// Connecting to a port where nothing listens: 'error' ECONNREFUSED (code,
// syscall, address, port, message), then 'close' with hadError true.
const net = require('net');
const { log, trace, freePort } = require('./_trace');

freePort().then((port) => {
  const client = net.connect(port, '127.0.0.1', () => log('unexpected connect'));
  trace(client, 'client', 'lookup', 'error', 'close');
  log('connecting', client.connecting);
});
