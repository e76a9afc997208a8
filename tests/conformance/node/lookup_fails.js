'use strict';
// A custom lookup that fails: its callback gets an error, at once or later.
// The socket emits 'lookup' with the error, then 'error' (the same error) and
// 'close'(true); no 'connect'. (A lookup that throws instead is not here:
// Node calls it inside connect(), so the exception escapes connect() and the
// socket stays 'opening' for ever, with no event.)
const net = require('net');
const { log, trace } = require('./_trace');

function failure() {
  return Object.assign(new Error('no such host here'), { code: 'ENOTFOUND' });
}

function attemptLookup(tag, lookup) {
  return new Promise((resolve) => {
    const s = new net.Socket();
    trace(s, tag, 'lookup', 'connect', 'ready', 'error');
    s.on('close', (hadError) => {
      log(tag + ' close', hadError, s.destroyed, s.connecting, s.readyState);
      resolve();
    });
    s.connect({ host: 'fails.test', port: 80, lookup });
  });
}

(async () => {
  await attemptLookup('now', (host, opts, cb) => cb(failure()));
  await attemptLookup('later', (host, opts, cb) => setTimeout(() => cb(failure()), 10));
})();
