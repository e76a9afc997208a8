'use strict';
// Writes made while connecting, then the connect never completes: every
// callback is called once. destroy() while connecting: the writes and end()
// get ERR_SOCKET_CLOSED_BEFORE_CONNECTION, no 'error', 'close'(false). A
// failed connect (ECONNREFUSED, or ENOENT for a Unix path): 'error' first;
// then the first write (the one waiting for 'connect') gets
// ERR_SOCKET_CLOSED_BEFORE_CONNECTION, the writes queued behind it and end()
// get the connect error; 'close'(true).
const net = require('net');
const { log, tmpPath, freePort } = require('./_trace');

function attemptWrites(tag, args, destroy) {
  return new Promise((resolve) => {
    const s = net.connect(...args);
    s.write('a', (e) => log(tag + ' a cb', e));
    s.write('b', (e) => log(tag + ' b cb', e));
    s.end('c', (e) => log(tag + ' end cb', e));
    s.on('connect', () => log(tag + ' connect'));
    s.on('error', (e) => log(tag + ' error', e));
    s.on('close', (hadError) => {
      log(tag + ' close', hadError);
      resolve();
    });
    if (destroy) s.destroy();
  });
}

const path = tmpPath('before.sock');
const tcp = net.createServer((c) => c.resume());
const unix = net.createServer((c) => c.resume());
tcp.listen(0, '127.0.0.1', () => unix.listen(path, async () => {
  await attemptWrites('tcp-destroy', [tcp.address().port, '127.0.0.1'], true);
  await attemptWrites('tcp-refused', [await freePort(), '127.0.0.1'], false);
  await attemptWrites('unix-destroy', [path], true);
  await attemptWrites('unix-enoent', [tmpPath('missing.sock')], false);
  tcp.close();
  unix.close();
}));
