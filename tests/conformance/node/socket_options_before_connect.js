'use strict';
// setNoDelay() and setKeepAlive() called on a new Socket before connect(),
// or while it connects, return the socket and are applied to the kernel
// socket once it exists; the last call wins. The kernel's answer is read by
// a Python child that gets the descriptor (TCP_NODELAY, SO_KEEPALIVE and,
// when that is on, TCP_KEEPIDLE in seconds).
const net = require('net');
const { spawnSync } = require('child_process');
const { log } = require('./_trace');

const PROBE = `
import json, socket
s = socket.socket(fileno=3)
keepalive = s.getsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE) != 0
print(json.dumps([
    s.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) != 0,
    keepalive,
    s.getsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPIDLE) if keepalive else None,
]))
s.detach()
`;

function probe(s) {
  const out = spawnSync('python3', ['-c', PROBE], { stdio: ['ignore', 'pipe', 'inherit', s._handle.fd] });
  return JSON.parse(out.stdout);
}

const cases = {
  'nothing': () => {},
  'setNoDelay()': (s) => s.setNoDelay(),
  'setNoDelay(true), setNoDelay(false)': (s) => s.setNoDelay(true).setNoDelay(false),
  'setKeepAlive(true, 3000)': (s) => s.setKeepAlive(true, 3000),
  'setKeepAlive(true, 5000), setKeepAlive(false)': (s) => s.setKeepAlive(true, 5000).setKeepAlive(false),
};

const server = net.createServer((c) => c.resume());
server.listen(0, '127.0.0.1', async () => {
  const port = server.address().port;
  for (const [label, apply] of Object.entries(cases)) {
    for (const when of ['before connect', 'while connecting']) {
      const s = new net.Socket();
      if (when === 'before connect') apply(s);
      s.connect(port, '127.0.0.1');
      if (when === 'while connecting') apply(s);
      await new Promise((r) => s.once('connect', r));
      log(label + ' ' + when, probe(s));
      s.destroy();
    }
  }
  log('returns the socket', [new net.Socket()].every((s) => s.setNoDelay() === s && s.setKeepAlive(true) === s));
  server.close();
});
