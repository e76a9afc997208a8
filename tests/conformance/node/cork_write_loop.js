'use strict';
// cork(); write(); write(); uncork() 5000 times (20 KB in all) on a
// connected socket: uncork() hands the two writes to the kernel at once,
// so the queue never holds more than them and every write returns true;
// the peer receives everything in order.
const net = require('net');
const { log, grouped } = require('./_trace');

grouped();
log('client');
log('server');
const N = 5000;
const server = net.createServer((c) => {
  const chunks = [];
  c.on('data', (d) => chunks.push(d));
  c.on('end', () => {
    const all = Buffer.concat(chunks);
    let ordered = true;
    for (let i = 0; i < N; i++) {
      if (all.readUInt16BE(i * 4) !== i || all.readUInt16BE(i * 4 + 2) !== i) ordered = false;
    }
    log('server received', all.length, 'in order', ordered);
    c.end();
  });
  c.on('error', (e) => log('server error', e));
  c.on('close', () => server.close());
});
server.listen(0, '127.0.0.1', () => {
  const conn = net.connect(server.address().port, '127.0.0.1');
  conn.on('connect', () => {
    let res = true;
    let i = 0;
    let maxCorkedLength = 0;
    for (; i < N && res; i++) {
      const buf = Buffer.alloc(2);
      buf.writeUInt16BE(i);
      conn.cork();
      conn.write(buf);
      res = conn.write(buf);
      maxCorkedLength = Math.max(maxCorkedLength, conn.writableLength);
      conn.uncork();
    }
    log('client iterations', i, 'last result', res, 'max corked length', maxCorkedLength);
    log('client after loop', conn.writableCorked, conn.bytesWritten);
    conn.end();
  });
  conn.resume();
  conn.on('close', (hadError) => log('client close', hadError));
});
