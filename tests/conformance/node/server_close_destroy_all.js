'use strict';
// server.close() with two live connections, then destroy() each twice: the
// server stops listening at once, every connection emits 'close' (false)
// exactly once, getConnections() counts 0 at once (not below), and the
// server emits 'close', then runs the close callback.
const net = require('net');
const { log, grouped } = require('./_trace');

grouped();
// Fixes the order of the groups in the output.
for (const tag of ['server', 'count', 'conn1', 'conn2', 'client1', 'client2']) log(tag);
const accepted = [];
const server = net.createServer((c) => {
  const n = accepted.push(c);
  c.on('close', (hadError) => log('conn' + n + ' close', hadError, c.destroyed));
  if (n < 2) return;
  log('server close() returns server', server.close((err) => log('server close cb', err)) === server);
  log('server listening', server.listening);
  for (const s of accepted) {
    log('server destroy returns socket', s.destroy() === s, s.destroy() === s);
  }
  server.getConnections((err, count) => log('count getConnections right after destroy()', err, count));
});
server.on('close', () => log('server close event'));
server.listen(0, '127.0.0.1', () => {
  for (const name of ['client1', 'client2']) {
    const c = net.connect(server.address().port, '127.0.0.1');
    c.resume();
    c.on('connect', () => log(name + ' connect'));
    c.on('end', () => log(name + ' end'));
    c.on('error', (e) => log(name + ' error', e.code));
    c.on('close', (hadError) => log(name + ' close', hadError));
  }
});
