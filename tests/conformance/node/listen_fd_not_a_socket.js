'use strict';
// listen({fd}) with a descriptor that is open but is not a socket: listen()
// does not throw; 'error' comes asynchronously (syscall 'listen') and the
// server is not listening. A FIFO is taken for a pipe and fails in listen(2)
// with ENOTSOCK; a regular file or a character device is refused by its
// type, EINVAL. The descriptors are left open: Node closes the one it
// wrapped, trionet works on a duplicate (a documented difference).
const net = require('net');
const fs = require('fs');
const { execFileSync } = require('child_process');
const { once } = require('events');
const { log, tmpPath } = require('./_trace');

const fifo = tmpPath('fifo');
execFileSync('mkfifo', [fifo]);
const CASES = [
  ['fifo', () => fs.openSync(fifo, 'r+')],
  ['file', () => fs.openSync(__filename, 'r')],
  ['chardev', () => fs.openSync('/dev/null', 'r')],
];

(async () => {
  for (const [tag, open] of CASES) {
    const fd = open();
    const server = net.createServer();
    server.on('listening', () => log(tag + ' unexpected listening'));
    server.listen({ fd });
    log(tag + ' listen returned', server.listening);
    const [err] = await once(server, 'error');
    log(tag + ' error', err.code, err.syscall, err.message, server.listening);
  }
})();
