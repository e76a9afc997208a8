'use strict';
// remoteAddress/remotePort/remoteFamily and localAddress/localPort while
// connecting (unknown), at 'connect' (known), and on the accepted socket,
// over IPv4 and IPv6 loopback; the client's local port is the server
// side's remote port.
const net = require('net');
const { log } = require('./_trace');

function props(s) {
  return [s.remoteAddress, s.remoteFamily, s.remotePort === undefined ? null : typeof s.remotePort,
    s.localAddress, s.localPort === undefined ? null : typeof s.localPort];
}

(async () => {
  for (const host of ['127.0.0.1', '::1']) {
    let accepted = null;
    const server = net.createServer((c) => {
      accepted = c;
      c.resume();
    });
    server.listen(0, host);
    await new Promise((r) => server.once('listening', r));
    const port = server.address().port;
    const s = net.connect(port, host);
    log(host + ' connecting', s.connecting, ...props(s));
    await new Promise((r) => s.once('connect', r));
    log(host + ' connected', ...props(s), s.remotePort === port);
    while (accepted === null) await new Promise((r) => setImmediate(r));
    log(host + ' accepted', ...props(accepted), accepted.remotePort === s.localPort,
        accepted.localPort === port);
    s.end();
    await new Promise((r) => s.once('close', r));
    server.close();
  }
})();
