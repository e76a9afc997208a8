'use strict';
// server.close(cb) with a live connection: stops listening at once (new
// connections are refused), the connection keeps working, and 'close' (then
// the callback) comes only after the last connection has closed.
const net = require('net');
const { once } = require('events');
const { log, sleep } = require('./_trace');

(async () => {
  const server = net.createServer((c) => {
    c.setEncoding('utf8');
    c.on('data', (d) => c.write(d.toUpperCase()));
    c.on('end', () => log('conn end'));
    c.on('close', () => log('conn close'));
  });
  server.on('close', () => log('server close event'));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = server.address().port;
  const client = net.connect(port, '127.0.0.1');
  await once(server, 'connection');
  server.close((err) => log('close cb', err));
  log('listening', server.listening, 'address', server.address());
  const refused = net.connect(port, '127.0.0.1');
  const [err] = await once(refused, 'error').catch((e) => [e]);
  log('new connection', err.code);
  client.write('still works');
  const [reply] = await once(client, 'data');
  log('reply', reply);
  await sleep(50);
  log('ending client');
  client.end();
})();
