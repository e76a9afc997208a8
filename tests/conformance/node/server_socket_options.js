'use strict';
// createServer's noDelay, keepAlive and keepAliveInitialDelay options are
// applied to every accepted socket. JavaScript cannot read socket options, so
// the accepted socket is handed to a python3 child (as its fd 3) that prints
// [TCP_NODELAY on, SO_KEEPALIVE on, TCP_KEEPIDLE in seconds]; the system's
// idle time is printed as "default". Also: a non-number delay throws.
const net = require('net');
const { spawn } = require('child_process');
const { log } = require('./_trace');

const PROBE = `
import json, socket
s = socket.socket(fileno=3)
with socket.socket() as fresh:
    default = fresh.getsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPIDLE)
idle = s.getsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPIDLE)
print(json.dumps([
    s.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) != 0,
    s.getsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE) != 0,
    "default" if idle == default else idle,
]))
s.detach()
`;

function probe(c) {
  return new Promise((resolve) => {
    const child = spawn('python3', ['-c', PROBE], { stdio: ['ignore', 'pipe', 'inherit', c] });
    let out = '';
    child.stdout.on('data', (d) => { out += d; });
    child.on('close', () => resolve(JSON.parse(out)));
  });
}

const CASES = [
  ['defaults', {}],
  ['all on', { noDelay: true, keepAlive: true, keepAliveInitialDelay: 3000 }],
  ['keepAlive only', { keepAlive: true }],
  ['delay without keepAlive', { keepAliveInitialDelay: 5000 }],
];

async function check(label, options) {
  let accepted;
  const conn = new Promise((resolve) => { accepted = resolve; });
  const server = net.createServer(options, accepted);
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const client = net.connect(server.address().port, '127.0.0.1');
  client.resume();
  const c = await conn;
  log(label, await probe(c));
  c.destroy();
  client.destroy();
  await new Promise((resolve) => server.close(resolve));
}

(async () => {
  try {
    net.createServer({ keepAliveInitialDelay: 'x' });
  } catch (e) {
    log('bad delay', e.code);
  }
  for (const [label, options] of CASES) await check(label, options);
})();
