'use strict';
// A socket keeps the process alive only while it is active (connecting,
// reading, writing). Here the server and its sockets are unref'd, and three
// connected clients end up idle; the process then exits with all three still
// open (no 'end', no 'close'):
//   paused: paused in its 'connect' listener, so it never reads (the server's
//     bytes and FIN wait in the kernel);
//   hwm: no reader, so it reads ahead to its high-water mark and stops;
//   eof: it ended its side ('finish') and holds the server's bytes and EOF
//     unread (no 'data' listener, so no 'end').
const net = require('net');
const { log, grouped, trace } = require('./_trace');

grouped();
for (const tag of ['paused', 'hwm', 'eof']) log(tag);

const PAYLOAD = { paused: 1000, hwm: 100000, eof: 1000 };
const server = net.createServer({ pauseOnConnect: true }, (c) => {
  c.unref();
  c.once('data', (d) => {
    const tag = d.toString();
    if (tag === 'hwm') c.write(Buffer.alloc(PAYLOAD[tag], 'h'));
    else c.end(Buffer.alloc(PAYLOAD[tag], 'x'));
  });
  c.resume();
});
server.unref();
server.listen(0, '127.0.0.1', () => {
  const port = server.address().port;
  for (const tag of ['paused', 'hwm', 'eof']) {
    const s = net.connect({ port, host: '127.0.0.1', readableHighWaterMark: 1024 });
    trace(s, tag, 'end', 'close', 'finish');
    s.on('connect', () => {
      if (tag === 'paused') s.pause();
      if (tag === 'eof') s.end(tag);
      else s.write(tag);
      log(tag + ' connect', s.isPaused());
    });
  }
});
