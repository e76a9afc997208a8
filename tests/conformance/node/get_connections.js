'use strict';
// getConnections(cb): cb(null, count), asynchronously, as connections come and go.
const net = require('net');
const { once } = require('events');
const { log } = require('./_trace');

(async () => {
  const server = net.createServer((c) => c.resume());
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const count = () => new Promise((resolve) => {
    let sync = true;
    server.getConnections((err, n) => {
      log('getConnections', err, n, 'sync', sync);
      resolve();
    });
    sync = false;
  });
  await count();
  const port = server.address().port;
  const a = net.connect(port, '127.0.0.1');
  await once(server, 'connection');
  const b = net.connect(port, '127.0.0.1');
  await once(server, 'connection');
  await count();
  a.end();
  await once(a, 'close');
  while (await new Promise((r) => server.getConnections((e, n) => r(n))) > 1) {
    await new Promise((r) => setTimeout(r, 5));
  }
  await count();
  b.destroy();
  server.close(() => log('server closed'));
  await once(server, 'close');
  await count();
})();
