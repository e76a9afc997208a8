'use strict';
// An unref'd socket with a write (and its FIN) still in flight keeps the
// process alive, because libuv counts the write and shutdown requests
// whatever the handle's ref: here a peer reads nothing for 500 ms, so 8 MiB
// cannot all be handed to the kernel before then; the process waits, the
// callback runs and 'finish' comes, and only then does it exit. The peer is
// another process (a child node here, a thread in the twin): nothing of ours
// but the socket is left to keep the loop alive.
const net = require('net');
const { spawn } = require('child_process');
const { log } = require('./_trace');

const PEER = `
const s = require('net').connect(+process.argv[1], '127.0.0.1');
s.pause();
setTimeout(() => s.resume(), 500);
`;

const server = net.createServer((c) => {
  server.close();
  c.on('finish', () => log('finish'));
  c.end(Buffer.alloc(8 << 20, 'x'), (err) => log('end cb', err));
  log('writable length > 0', c.writableLength > 0);
  c.unref();
  log('unref');
});
server.listen(0, '127.0.0.1', () => {
  const child = spawn(process.execPath, ['-e', PEER, String(server.address().port)], {
    stdio: 'ignore',
  });
  child.unref();
});
