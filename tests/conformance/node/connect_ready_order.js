'use strict';
// 'connect' then 'ready'; the connect callback is a once('connect') listener
// in registration order; connecting/pending/readyState before and after;
// a write before connecting is queued and sent.
const net = require('net');
const { log, grouped, collect } = require('./_trace');

grouped();
const server = net.createServer((c) => {
  collect(c, 'server');
  c.on('end', () => c.end());
  c.on('close', () => server.close());
});
server.listen(0, '127.0.0.1', () => {
  const client = net.connect(server.address().port, '127.0.0.1', () => log('client connect callback'));
  client.on('connect', () => log('client connect listener', client.connecting, client.pending, client.readyState));
  client.on('ready', () => log('client ready'));
  log('client sync', client.connecting, client.pending, client.readyState);
  log('client early write', client.write('queued '), client.bufferSize > 0);
  client.end('then end');
  client.resume();
  client.on('close', () => log('client close', client.readyState));
});
