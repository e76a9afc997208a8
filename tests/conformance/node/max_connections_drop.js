'use strict';
// maxConnections: a connection over the limit is closed at once and the
// server emits 'drop' with the dropped connection's addresses.
const net = require('net');
const { once } = require('events');
const { log, grouped } = require('./_trace');

grouped();
(async () => {
  const server = net.createServer((c) => {
    log('server connection');
    c.resume();
  });
  server.maxConnections = 1;
  server.on('drop', (info) => log('server drop', info));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = server.address().port;
  const first = net.connect(port, '127.0.0.1');
  await once(server, 'connection');
  const second = net.connect(port, '127.0.0.1');
  second.on('connect', () => log('second connect'));
  second.on('end', () => log('second end'));
  second.on('error', (e) => log('second error', e.code));
  second.resume();
  await once(second, 'close');
  log('second close');
  first.end();
  await once(first, 'close');
  server.close(() => log('server closed'));
})();
