'use strict';
// Large writes and the byte counters. bytesWritten counts a whole write at
// once, the part the kernel took and the part queued: after end(2 MiB) (a
// Buffer, then a string), and after each write of a corked pair; the end()
// callback sees the same totals (with end('') instead: cork_end_empty). On
// the reading side bytesRead grows at every 'data' and equals the total at
// 'end' and at 'close'. Then 40 Ki three-byte characters written as one
// string arrive, with setEncoding, as exactly 40 Ki characters with no
// replacement character.
const net = require('net');
const { once } = require('events');
const { log, grouped } = require('./_trace');

grouped();

const N = 2 * 1024 * 1024;
const CHARS = 40 * 1024;

const SENDERS = [
  ['buffer', (c) => {
    c.end(Buffer.alloc(N, 0x61), () => log('server buffer end cb', c.bytesWritten));
    log('server buffer after end', c.bytesWritten);
  }],
  ['string', (c) => {
    c.end('b'.repeat(N), () => log('server string end cb', c.bytesWritten));
    log('server string after end', c.bytesWritten);
  }],
  ['corked', (c) => {
    c.cork();
    c.write('c'.repeat(N));
    log('server corked after string', c.bytesWritten);
    c.write(Buffer.alloc(N, 0x63));
    log('server corked after buffer', c.bytesWritten);
    c.end(() => log('server corked end cb', c.bytesWritten));
    c.uncork();
  }],
];

(async () => {
  let i = 0;
  const server = net.createServer((c) => {
    c.resume();
    SENDERS[i++][1](c);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = server.address().port;
  for (const [tag] of SENDERS) {
    const client = net.connect(port, '127.0.0.1');
    let prev = 0;
    let total = 0;
    let growing = true;
    client.on('data', (d) => {
      total += d.length;
      if (!(client.bytesRead > prev)) growing = false;
      prev = client.bytesRead;
    });
    client.on('end', () => log('client ' + tag + ' end', growing, client.bytesRead, total));
    await new Promise((resolve) => client.on('close', resolve));
    log('client ' + tag + ' close', client.bytesRead);
  }
  server.close();

  const text = 'あ'.repeat(CHARS);
  const receiver = net.createServer((c) => {
    c.setEncoding('utf8');
    let chars = 0;
    let clean = true;
    c.on('data', (d) => {
      chars += d.length;
      if (d.includes('\ufffd')) clean = false;
    });
    c.on('end', () => {
      log('receiver got', chars, clean, c.bytesRead);
      c.end();
      receiver.close();
    });
  });
  receiver.listen(0, '127.0.0.1');
  await once(receiver, 'listening');
  const sender = net.connect(receiver.address().port, '127.0.0.1');
  log('sender write', sender.write(text, 'utf8'), sender.bytesWritten);
  sender.end();
  sender.resume();
})();
