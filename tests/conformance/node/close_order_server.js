'use strict';
// Server-side event order on a normal close: the client writes and ends; the
// accepted socket sees data, end, finish (auto end), close; then the server closes.
const net = require('net');
const { log, trace, collect } = require('./_trace');

const server = net.createServer((c) => {
  log('server connection');
  trace(c, 'conn', 'end', 'finish', 'close');
  collect(c, 'conn');
  c.on('close', () => server.close());
});
trace(server, 'server', 'listening', 'close');
server.listen(0, '127.0.0.1', () => {
  const client = net.connect(server.address().port, '127.0.0.1');
  client.resume();
  client.end('abc');
});
