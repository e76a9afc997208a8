'use strict';
// connect({timeout}): the idle timeout starts with the connection; 'timeout'
// fires, the socket stays open until the listener destroys it.
const net = require('net');
const { log, trace } = require('./_trace');

const server = net.createServer((c) => {
  c.resume();
  c.on('close', () => server.close());
});
server.listen(0, '127.0.0.1', () => {
  const client = net.connect({ port: server.address().port, host: '127.0.0.1', timeout: 50 });
  log('client timeout', client.timeout);
  trace(client, 'client', 'connect', 'timeout', 'close');
  client.on('timeout', () => {
    log('client still open', !client.destroyed);
    client.destroy();
  });
});
