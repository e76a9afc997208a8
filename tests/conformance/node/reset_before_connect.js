'use strict';
// resetAndDestroy() where there is no connection yet. A socket never
// connected: 'error' ERR_SOCKET_CLOSED, then 'close' (hadError falsy).
// A socket still connecting: nothing happens at once (not destroyed); it
// connects ('connect' and its callback), then resets: 'close' false, the
// peer reads ECONNRESET. Followed at once by destroy(): no 'connect', no
// 'error', just 'close' false. On a connected socket it returns the socket,
// so destroy() can be chained; a write() after that gets ERR_STREAM_DESTROYED
// in its callback and no 'error' is emitted.
const net = require('net');
const { once } = require('events');
const { log, grouped, trace } = require('./_trace');

grouped();
const closed = (s) => new Promise((resolve) => s.on('close', resolve));

(async () => {
  const fresh = new net.Socket();
  trace(fresh, 'fresh', 'error');
  fresh.on('close', (hadError) => log('fresh close', !!hadError));
  const freshClosed = closed(fresh);
  log('fresh returns socket', fresh.resetAndDestroy() === fresh, fresh.destroyed);
  await freshClosed;

  const server = net.createServer((c) => {
    c.on('error', (e) => log('server conn error', e.code, e.syscall));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = server.address().port;

  const waits = net.connect(port, '127.0.0.1', () => log('waits connect callback'));
  trace(waits, 'waits', 'connect', 'error', 'close');
  log('waits returns socket', waits.resetAndDestroy() === waits, waits.destroyed, waits.connecting);
  await closed(waits);

  const dropped = net.connect(port, '127.0.0.1', () => log('dropped connect callback'));
  trace(dropped, 'dropped', 'connect', 'error', 'close');
  dropped.resetAndDestroy();
  dropped.destroy();
  log('dropped destroyed', dropped.destroyed);
  await closed(dropped);

  const connected = net.connect(port, '127.0.0.1');
  await once(connected, 'connect');
  trace(connected, 'connected', 'error', 'close');
  log('connected chain', connected.resetAndDestroy().destroy() === connected);
  log('connected write', connected.write('x', (err) => log('connected write cb', err)));
  await closed(connected);
  setTimeout(() => server.close(), 50);
})();
