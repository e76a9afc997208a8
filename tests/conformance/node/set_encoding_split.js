'use strict';
// setEncoding('utf8') with multi-byte characters split across reads: the
// writer sends one byte at a time with delays; no replacement characters,
// the joined text is intact, and no 'data' chunk is empty.
const net = require('net');
const { log, sleep } = require('./_trace');

const TEXT = 'aé€😀z';
const server = net.createServer(async (c) => {
  const bytes = Buffer.from(TEXT, 'utf8');
  for (const b of bytes) {
    c.write(Buffer.from([b]));
    await sleep(15);
  }
  c.end();
  c.on('close', () => server.close());
});
server.listen(0, '127.0.0.1', () => {
  const client = net.connect(server.address().port, '127.0.0.1');
  client.setEncoding('utf8');
  const chunks = [];
  client.on('data', (d) => chunks.push(d));
  client.on('end', () => {
    const text = chunks.join('');
    log('types', [...new Set(chunks.map((c) => typeof c))]);
    log('joined', text, text === TEXT);
    log('replacement chars', text.includes('\ufffd'), 'empty chunks', chunks.some((c) => c === ''));
    log('bytesRead', client.bytesRead);
  });
});
