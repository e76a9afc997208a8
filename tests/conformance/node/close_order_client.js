'use strict';
// Client-side event order on a normal close: the client ends, the server
// echoes and ends back (allowHalfOpen false).
const net = require('net');
const { log, trace, collect } = require('./_trace');

const server = net.createServer((c) => c.pipe(c));
server.listen(0, '127.0.0.1', () => {
  const client = net.connect(server.address().port, '127.0.0.1');
  trace(client, 'client', 'connect', 'ready', 'finish', 'end', 'close');
  collect(client, 'client');
  client.on('close', () => server.close(() => log('server closed')));
  client.end('hello');
});
