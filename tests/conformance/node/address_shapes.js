'use strict';
// address() shapes: null before listen, {address, family, port} for IPv4,
// IPv6 and the unspecified host (dual-stack '::'), the path for a Unix
// server, {} for an unconnected socket; remote/local properties of both ends.
const net = require('net');
const { once } = require('events');
const { log, tmpPath } = require('./_trace');

(async () => {
  const accepted = [];
  const s = net.createServer((c) => {
    accepted.push(['accepted local', c.localAddress, c.localPort === s.address().port, c.localFamily]);
    accepted.push(['accepted remote', c.remoteAddress, c.remoteFamily, typeof c.remotePort]);
    c.end();
  });
  log('before listen', s.address(), s.listening);
  s.listen(0, '127.0.0.1');
  await once(s, 'listening');
  log('ipv4', s.address(), s.listening);
  const sock = new net.Socket();
  log('unconnected socket', sock.address(), sock.remoteAddress, sock.localPort);
  const c = net.connect(s.address().port, '127.0.0.1');
  await once(c, 'connect');
  log('client address', c.address());
  log('client remote', c.remoteAddress, c.remoteFamily, c.remotePort === s.address().port);
  c.resume();
  await once(c, 'close');
  log('closed client remote', c.remoteAddress, c.remotePort === s.address().port);
  for (const line of accepted) log(...line);
  s.close();
  log('after close', s.address());

  const s6 = net.createServer();
  s6.listen(0, '::1');
  await once(s6, 'listening');
  log('ipv6', s6.address());
  s6.close();

  const any = net.createServer();
  any.listen(0);
  log('unspecified', any.address());
  await once(any, 'listening');
  any.close();

  const u = net.createServer();
  u.listen(tmpPath('a.sock'));
  await once(u, 'listening');
  log('unix', u.address());
  // Not compared: after close() Node still returns the path of a Unix server
  // (its _pipeName), though its docs say null; trionet returns None.
  u.close();
})();
