'use strict';
// A write loop driven by 'drain': write 64 KB chunks until write() returns
// false, continue on 'drain', three rounds, then end(); once as Buffers and
// once as hex strings (converted at write() time). The peer receives every
// byte, unchanged.
const net = require('net');
const { log, grouped } = require('./_trace');

grouped();
log('buffer');
log('hex');
const chunk = Buffer.alloc(64 * 1024);
for (let i = 0; i < chunk.length; i++) chunk[i] = (i * 7) & 0xff;

const server = net.createServer((c) => {
  let tag = null;
  let received = 0;
  let intact = true;
  c.on('data', (d) => {
    if (tag === null) tag = d[0] === 0x42 ? 'buffer' : 'hex';
    for (let i = 0; i < d.length; i++) {
      const pos = received + i - 1;
      if (pos >= 0 && d[i] !== chunk[pos % chunk.length]) intact = false;
    }
    received += d.length;
  });
  c.on('end', () => {
    log(tag + ' server received', (received - 1) % chunk.length === 0, 'intact', intact);
    c.end();
  });
});
let done = 0;
server.listen(0, '127.0.0.1', () => {
  for (const tag of ['buffer', 'hex']) {
    const conn = net.connect(server.address().port, '127.0.0.1', () => {
      conn.write(tag === 'buffer' ? 'B' : 'H');
      let rounds = 0;
      let writes = 0;
      const data = tag === 'buffer' ? chunk : chunk.toString('hex');
      function writeLoop() {
        if (rounds++ === 3) {
          log(tag + ' client rounds', rounds - 1, 'bytes written add up', conn.bytesWritten === 1 + writes * chunk.length);
          conn.end();
          return;
        }
        for (;;) {
          writes++;
          if (!(tag === 'buffer' ? conn.write(data) : conn.write(data, 'hex'))) break;
        }
      }
      conn.on('drain', writeLoop);
      writeLoop();
    });
    conn.resume();
    conn.on('close', () => { if (++done === 2) server.close(); });
  }
});
