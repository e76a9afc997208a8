'use strict';
// write() after destroy(): returns false, the callback gets
// ERR_STREAM_DESTROYED before 'close', and no 'error' event is emitted.
// Repeated 20 times: the order must hold every time, not just usually.
const net = require('net');
const { once } = require('events');
const { log } = require('./_trace');

(async () => {
  const server = net.createServer((c) => c.resume());
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const orders = new Map();
  for (let i = 0; i < 20; i++) {
    const events = [];
    const client = net.connect(server.address().port, '127.0.0.1');
    client.on('error', (e) => events.push('error ' + e.code));
    client.on('close', () => events.push('close'));
    await once(client, 'connect');
    client.destroy();
    const r = client.write('x', (err) => events.push('cb ' + err.code));
    events.push('write ' + r);
    await once(client, 'close');
    await new Promise((resolve) => setImmediate(resolve));
    const key = events.join(', ');
    orders.set(key, (orders.get(key) || 0) + 1);
  }
  for (const [key, n] of orders) log('order', key, n);
  server.close();
})();
