'use strict';
// write() on an accepted socket that has closed because the peer ended it
// (no allowHalfOpen: 'end', automatic end(), 'close'): returns false, the
// callback gets EPIPE "This socket has been ended by the other party", no
// 'error' is emitted. On a socket closed by destroy() instead the callback
// gets ERR_STREAM_DESTROYED.
const net = require('net');
const { log, grouped } = require('./_trace');

grouped();
log('ended');
log('destroyed');
let n = 0;
const server = net.createServer((c) => {
  const tag = ++n === 1 ? 'ended' : 'destroyed';
  c.resume();
  c.on('error', (e) => log(tag + ' error event', e));
  c.on('close', (hadError) => {
    log(tag + ' close', hadError, c.destroyed, c.writableEnded);
    log(tag + ' write returns', c.write('late', (err) => {
      log(tag + ' write callback', err);
      if (tag === 'destroyed') setImmediate(() => server.close());
    }));
  });
  if (tag === 'destroyed') c.destroy();
});
server.listen(0, '127.0.0.1', () => {
  const first = net.connect(server.address().port, '127.0.0.1', () => first.end());
  first.resume();
  first.on('close', () => {
    const second = net.connect(server.address().port, '127.0.0.1');
    second.resume();
  });
});
