'use strict';
// destroy() right after connect(): no 'connect', just 'close' (hadError false);
// the connect callback is never called.
const net = require('net');
const { log, trace } = require('./_trace');

const server = net.createServer((c) => c.resume());
server.listen(0, '127.0.0.1', () => {
  const client = net.connect(server.address().port, '127.0.0.1', () => log('connect cb'));
  trace(client, 'client', 'connect', 'error', 'close');
  log('client connecting', client.connecting, client.pending);
  client.destroy();
  log('client destroyed', client.destroyed);
  client.on('close', () => server.close(() => log('server closed')));
});
