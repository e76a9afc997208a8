'use strict';
// pipe(): a proxy server pipes each client to a backend and back; 'pipe' is
// emitted on the destination; the destination is ended after the source's
// 'end' (both proxy legs allow half-open, so the reply can follow the
// request's FIN). 200 KB make the pipe pause and resume on backpressure.
const net = require('net');
const { once } = require('events');
const { log, grouped } = require('./_trace');

grouped();
(async () => {
  const backend = net.createServer((c) => {
    c.setEncoding('latin1');
    let n = 0;
    c.on('data', (d) => { n += d.length; });
    c.on('end', () => c.end(`backend got ${n}`));
  });
  backend.listen(0, '127.0.0.1');
  await once(backend, 'listening');
  const proxy = net.createServer({ allowHalfOpen: true }, (c) => {
    const up = net.connect({ port: backend.address().port, host: '127.0.0.1', allowHalfOpen: true });
    up.on('pipe', (src) => log('proxy up pipe event', src === c));
    c.pipe(up);
    up.pipe(c);
    c.on('close', () => { proxy.close(); backend.close(); });
  });
  proxy.listen(0, '127.0.0.1');
  await once(proxy, 'listening');
  const client = net.connect(proxy.address().port, '127.0.0.1');
  const chunks = [];
  client.on('data', (d) => chunks.push(d));
  client.on('end', () => log('client reply', Buffer.concat(chunks).toString()));
  client.end(Buffer.alloc(200 * 1024, 120));
})();
