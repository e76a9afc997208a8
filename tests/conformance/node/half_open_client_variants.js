'use strict';
// allowHalfOpen on the client side, given to net.connect(), to
// createConnection(), or to new Socket() before connect(): after the
// server's FIN the client is no longer readable but still writable, a write
// still reaches the server, and the client ends when it chooses. Given only
// to socket.connect() on a plain new Socket() it is not a constructor
// option: that client ends itself at once (allowHalfOpen false).
const net = require('net');
const { once } = require('events');
const { log, grouped } = require('./_trace');

grouped();
// Fixes the order of the groups in the output (the server's 'end' races the
// next client).
for (const tag of ['connect', 'server', 'createConnection', 'new', 'socket.connect(opts)']) log(tag);

const VARIANTS = [
  ['connect', (o) => net.connect(o)],
  ['createConnection', (o) => net.createConnection(o)],
  ['new Socket(opts)', (o) => new net.Socket({ allowHalfOpen: true }).connect(o)],
  ['socket.connect(opts)', (o) => new net.Socket().connect(o)],
];

(async () => {
  const server = net.createServer({ allowHalfOpen: true }, (c) => {
    const chunks = [];
    c.on('data', (d) => chunks.push(d));
    c.on('end', () => log('server got after its end', Buffer.concat(chunks).toString()));
    c.end();
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = server.address().port;
  for (const [tag, make] of VARIANTS) {
    const client = make({ port, host: '127.0.0.1', allowHalfOpen: true });
    log(tag + ' allowHalfOpen', client.allowHalfOpen);
    client.resume();
    client.on('finish', () => log(tag + ' finish'));
    client.on('end', () => {
      log(tag + ' end', client.readable, client.writable);
      setTimeout(() => {
        if (client.writable) {
          log(tag + ' write', client.write(tag));
          client.end();
        }
      }, 20);
    });
    await new Promise((resolve) => client.on('close', resolve));
    log(tag + ' close');
  }
  server.close();
})();
