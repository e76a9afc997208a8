'use strict';
// for await (const chunk of socket) vs trionet's `async for chunk in socket`:
// a complete echo-upper server as one async connection listener; the loop
// ends at the peer's FIN; with setEncoding the chunks are strings.
const net = require('net');
const { once } = require('events');
const { log, grouped } = require('./_trace');

grouped();
(async () => {
  const server = net.createServer(async (c) => {
    c.setEncoding('utf8');
    const seen = [];
    for await (const chunk of c) {
      seen.push(chunk);
      c.write(chunk.toUpperCase());
    }
    log('server loop done', seen.join(''), typeof seen[0]);
    c.end();
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const client = net.connect(server.address().port, '127.0.0.1');
  client.write('hello ');
  setTimeout(() => client.end('world'), 20);
  const got = [];
  for await (const chunk of client) got.push(chunk);
  log('client got', Buffer.concat(got), Buffer.isBuffer(got[0]));
  server.close(() => log('server closed'));
})();
