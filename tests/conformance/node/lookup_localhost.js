'use strict';
// Connecting to 'localhost' emits 'lookup' (err, address, family, host)
// before 'connect'; connecting to an IP emits no 'lookup'. The server
// listens on 127.0.0.1 and the client asks for IPv4 (family 4), so the
// answer does not depend on how the machine resolves localhost.
const net = require('net');
const { once } = require('events');
const { log, trace } = require('./_trace');

(async () => {
  const server = net.createServer((c) => c.end());
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = server.address().port;
  const a = net.connect({ port, host: 'localhost', family: 4 });
  trace(a, 'byname', 'lookup', 'connect', 'close');
  a.on('connect', () => log('byname remote', a.remoteAddress, a.remoteFamily));
  a.resume();
  await once(a, 'close');
  const b = net.connect({ port, host: '127.0.0.1' });
  trace(b, 'byip', 'lookup', 'connect', 'close');
  b.resume();
  await once(b, 'close');
  server.close();
})();
