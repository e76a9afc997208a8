'use strict';
// destroy(err): 'error' with that error, then 'close' with hadError true;
// destroy() again is a no-op.
const net = require('net');
const { log, grouped, trace } = require('./_trace');

grouped();
const server = net.createServer((c) => {
  trace(c, 'conn', 'end', 'error', 'close');
  c.resume();
  c.on('close', () => server.close());
});
server.listen(0, '127.0.0.1', () => {
  const client = net.connect(server.address().port, '127.0.0.1', () => {
    client.destroy(new Error('boom'));
    client.destroy(new Error('again'));
    log('client destroyed', client.destroyed);
  });
  trace(client, 'client', 'end', 'finish', 'error', 'close');
});
