'use strict';
// setNoDelay(value) on a connected socket takes the truthiness of value,
// with undefined (no argument) meaning true; read back with TCP_NODELAY by
// a Python child that gets the descriptor. ({} and [] are left out: they
// are truthy in JavaScript and falsy in Python.)
const net = require('net');
const { spawnSync } = require('child_process');
const { log } = require('./_trace');

const PROBE = `
import socket
s = socket.socket(fileno=3)
print(s.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) != 0)
s.detach()
`;

function nodelay(s) {
  const out = spawnSync('python3', ['-c', PROBE], { stdio: ['ignore', 'pipe', 'inherit', s._handle.fd] });
  return String(out.stdout).trim() === 'True';
}

const server = net.createServer((c) => c.resume());
server.listen(0, '127.0.0.1', async () => {
  const s = net.connect(server.address().port, '127.0.0.1');
  await new Promise((r) => s.once('connect', r));
  for (const [label, args] of [
    ['()', []], ['(undefined)', [undefined]], ['(1)', [1]], ["('true')", ['true']],
    ['(0)', [0]], ["('')", ['']], ['(false)', [false]], ['(true)', [true]],
  ]) {
    s.setNoDelay(false);
    s.setNoDelay(...args);
    log('setNoDelay' + label, nodelay(s));
  }
  s.destroy();
  server.close();
});
