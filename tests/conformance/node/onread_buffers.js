'use strict';
// The onread option: with a static 8-byte buffer, 'hello world' comes as
// reads of 8 then 3 bytes into that same buffer, with no 'data' events but
// an 'end'; with a function, it is called for a fresh buffer at the start
// and after every read that got data (7 calls for 11 bytes in 2-byte
// buffers); pause() in the callback, or returning false, holds further
// reads until resume().
const net = require('net');
const { log, grouped, sleep } = require('./_trace');

grouped();
const variants = ['static', 'pool', 'pause', 'returnfalse'];
for (const tag of variants) log(tag);
const message = 'hello world';

function scenario(tag, port) {
  return new Promise((resolve) => {
    const reads = [];
    let paused = false;
    let readWhilePaused = false;
    let onread;
    if (tag === 'pool') {
      const pool = [Buffer.alloc(2), Buffer.alloc(2), Buffer.alloc(2)];
      let calls = 0;
      onread = {
        buffer: () => pool[calls++ % pool.length],
        callback(nread, buf) {
          reads.push([nread, buf === pool[(calls - 1) % pool.length]]);
        },
      };
      onread.calls = () => calls;
    } else {
      const sockBuf = Buffer.alloc(8);
      onread = {
        buffer: sockBuf,
        callback(nread, buf) {
          if (paused) readWhilePaused = true;
          reads.push([nread, buf === sockBuf, buf.toString('latin1', 0, nread)]);
          if (tag === 'static') return;
          paused = true;
          setTimeout(() => {
            paused = false;
            this.resume();
          }, 30);
          if (tag === 'pause') this.pause();
          else return false;
        },
      };
    }
    const s = net.connect({ port, host: '127.0.0.1', onread });
    s.on('data', () => log(tag + ' unexpected data event'));
    s.on('end', () => {
      log(tag + ' reads', reads);
      if (onread.calls) log(tag + ' buffer() calls', onread.calls());
      if (tag === 'pause' || tag === 'returnfalse') log(tag + ' read while paused', readWhilePaused);
      resolve();
    });
  });
}

const server = net.createServer((c) => c.end(message));
server.listen(0, '127.0.0.1', async () => {
  for (const tag of variants) {
    await scenario(tag, server.address().port);
    await sleep(10);
  }
  server.close();
});
