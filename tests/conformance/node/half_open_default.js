'use strict';
// Without allowHalfOpen the socket ends itself when the peer's FIN arrives:
// what a listener on 'end' sees (readyState, a write) and the events after.
const net = require('net');
const { log, grouped, trace, collect } = require('./_trace');

grouped();

const server = net.createServer((c) => {
  collect(c, 'conn');
  c.on('end', () => {
    log('conn end readyState', c.readyState);
    log('conn write', c.write('too late', (err) => log('conn write cb', err)));
  });
  trace(c, 'conn', 'finish', 'error');
  c.on('close', (hadError) => {
    log('conn close', hadError);
    server.close();
  });
});
server.listen(0, '127.0.0.1', () => {
  const client = net.connect(server.address().port, '127.0.0.1');
  client.on('error', () => {});
  collect(client, 'client');
  client.end('bye');
});
