'use strict';
// An unref'd socket still keeps the process alive while its connect is in
// flight: 'connect' (or the connect error) is emitted before the process
// exits. Once connected, the unref'd socket no longer holds the process, even
// though it is reading. The servers are unref'd too. TCP, Unix, and a refused
// TCP connect.
const net = require('net');
const { log, grouped, trace, tmpPath, freePort } = require('./_trace');

grouped();
for (const tag of ['tcp', 'unix', 'refused']) log(tag);

function client(tag, ...args) {
  const s = net.connect(...args);
  s.unref();
  trace(s, tag, 'connect', 'error', 'end', 'close');
  s.on('connect', () => log(tag + ' state', s.connecting, s.readyState));
}

const tcp = net.createServer((c) => c.unref());
tcp.unref();
tcp.listen(0, '127.0.0.1', () => client('tcp', tcp.address().port, '127.0.0.1'));
const path = tmpPath('unref.sock');
const unix = net.createServer((c) => c.unref());
unix.unref();
unix.listen(path, () => client('unix', path));
freePort().then((port) => client('refused', port, '127.0.0.1'));
