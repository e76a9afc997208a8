'use strict';
// write() after end(): returns false, the callback gets
// ERR_STREAM_WRITE_AFTER_END, the socket emits it as 'error' and closes.
const net = require('net');
const { log, grouped, trace } = require('./_trace');

grouped();
const server = net.createServer((c) => {
  c.resume();
  c.on('close', () => server.close());
});
server.listen(0, '127.0.0.1', () => {
  const client = net.connect(server.address().port, '127.0.0.1', () => {
    client.end('last');
    log('client write', client.write('more', (err) => log('client write cb', err)));
  });
  trace(client, 'client', 'finish', 'error', 'close');
  client.resume();
});
