'use strict';
// destroy() without an error: 'close' with hadError false, no 'end'/'finish'
// on the destroyed side; the peer sees end then close.
const net = require('net');
const { log, grouped, trace } = require('./_trace');

grouped();
const server = net.createServer((c) => {
  trace(c, 'conn', 'end', 'finish', 'error', 'close');
  c.resume();
  c.on('close', () => server.close());
});
server.listen(0, '127.0.0.1', () => {
  const client = net.connect(server.address().port, '127.0.0.1', () => {
    client.destroy();
    log('client destroyed', client.destroyed);
  });
  trace(client, 'client', 'end', 'finish', 'error', 'close');
});
