'use strict';
// Calling destroy(), destroy(err) or resetAndDestroy() inside the 'error'
// listener of a failed connect: still exactly one 'error' and one
// 'close'(true); the second error is not emitted; each call returns the
// socket.
const net = require('net');
const { log, grouped, freePort } = require('./_trace');

grouped();
const actions = {
  plain: (s) => s.destroy(),
  witherror: (s) => s.destroy(new Error('second')),
  reset: (s) => s.resetAndDestroy(),
};
// Fixes the order of the groups in the output.
for (const tag of Object.keys(actions)) log(tag);
freePort().then((port) => {
  for (const [tag, action] of Object.entries(actions)) {
    const s = net.connect(port, '127.0.0.1');
    s.on('error', (e) => {
      log(tag + ' error', e.code, s.destroyed);
      log(tag + ' call returns socket', action(s) === s, s.destroyed);
    });
    s.on('close', (hadError) => log(tag + ' close', hadError));
  }
});
