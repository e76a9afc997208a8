'use strict';
// setTimeout() on a new Socket that never connects: 'timeout' still fires,
// once (the timer counts from the call). The timer does not keep the process
// alive (unref'd), so a ref'd timer waits for it here.
const net = require('net');
const { log } = require('./_trace');

const s = new net.Socket();
s.setTimeout(50);
log('set', s.timeout, s.connecting, s.pending, s.readyState, s.destroyed);
let count = 0;
s.on('timeout', () => {
  count += 1;
  log('timeout', count, s.connecting, s.pending, s.readyState, s.destroyed);
});
// (Node emits this 'close' with no argument: the socket never had a handle.)
s.on('close', () => log('close', count));
setTimeout(() => {
  log('waited', count);
  s.destroy();
}, 250);
