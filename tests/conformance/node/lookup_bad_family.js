'use strict';
// A custom lookup that answers a family other than 4 or 6: 'lookup' with the
// answer, then 'error' ERR_INVALID_ADDRESS_FAMILY (with the port) and
// 'close'(true); no 'connect'. With autoSelectFamily (the default, the lookup
// gets all: true and answers a list) and without it (one address).
const net = require('net');
const { log, trace } = require('./_trace');

function five(host, opts, cb) {
  log('lookup called', host, opts.all === true);
  setTimeout(() => {
    if (opts.all) cb(null, [{ address: '127.0.0.1', family: 5 }]);
    else cb(null, '127.0.0.1', 5);
  }, 10);
}

function attemptLookup(tag, extra) {
  return new Promise((resolve) => {
    const s = net.connect({ host: 'five.test', port: 80, lookup: five, ...extra });
    trace(s, tag, 'lookup', 'connect', 'error');
    s.on('close', (hadError) => {
      log(tag + ' close', hadError, s.destroyed, s.connecting);
      resolve();
    });
  });
}

(async () => {
  await attemptLookup('auto', {});
  await attemptLookup('single', { autoSelectFamily: false });
})();
