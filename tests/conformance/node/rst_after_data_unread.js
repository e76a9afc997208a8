'use strict';
// The peer writes more than fits in the client's receive buffer and is then
// destroyed with the client's request unread, so its kernel follows the
// data with a RST (no FIN: the write never finished). The client reads only
// later (paused for 150 ms), with the data and the reset both waiting:
// libuv reads 64 KiB, then the rest in a short read, sees the hang-up
// (POLLHUP) and reports EOF without reading again, so the reset is never
// seen: every byte, then 'end' and 'close'(false), no 'error'.
const net = require('net');
const { log, sleep } = require('./_trace');

const server = net.createServer({ pauseOnConnect: true }, async (c) => {
  await sleep(50); // the client's bytes are in c's kernel buffer, unread
  c.write(Buffer.alloc(16 << 20, 'r'));
  c.destroy();
  server.close();
});
server.listen(0, '127.0.0.1', () => {
  const s = net.connect(server.address().port, '127.0.0.1');
  s.pause();
  let got = 0;
  s.on('connect', async () => {
    s.write('request');
    await sleep(150);
    s.on('data', (d) => { got += d.length; });
    s.on('end', () => log('end', got > 0));
    s.resume();
  });
  s.on('error', (e) => log('error', e, got > 0));
  s.on('close', (hadError) => log('close', hadError));
});
