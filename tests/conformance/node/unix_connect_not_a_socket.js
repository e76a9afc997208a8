'use strict';
// Connecting to a Unix path that is not a listening socket: a regular
// file, a directory (both ECONNREFUSED), a path through a regular file
// (ENOTDIR), the path of a server that has closed (ENOENT: its file is
// gone). Each fails with 'error' (code, syscall, address, message), then
// 'close'(true), never 'connect'.
const net = require('net');
const fs = require('fs');
const { log, tmpPath } = require('./_trace');

(async () => {
  fs.writeFileSync(tmpPath('plain.txt'), '');
  fs.mkdirSync(tmpPath('dir'));
  const targets = [
    ['regular file', tmpPath('plain.txt')],
    ['directory', tmpPath('dir')],
    ['under a file', tmpPath('plain.txt/x.sock')],
  ];
  const closed = net.createServer();
  closed.listen(tmpPath('closed.sock'));
  await new Promise((r) => closed.once('listening', r));
  await new Promise((r) => closed.close(r));
  targets.push(['closed server', tmpPath('closed.sock')]);
  for (const [label, path] of targets) {
    const s = net.connect(path, () => log(label + ' unexpected connect'));
    const [err] = await new Promise((r) => s.once('error', (...a) => r(a)));
    const [hadError] = await new Promise((r) => s.once('close', (...a) => r(a)));
    log(label, err, 'close', hadError);
  }
})();
