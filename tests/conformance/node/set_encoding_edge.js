'use strict';
// setEncoding edge cases on bytes that arrive one at a time: utf16le/ucs2
// with an odd trailing byte (Node's StringDecoder drops it at the end) and
// 'ascii' (Node unsets the high bit of every byte when decoding).
const net = require('net');
const { once } = require('events');
const { log, sleep } = require('./_trace');

const BYTES = Buffer.from([0xe2, 0x82, 0xac, 0x41, 0xff, 0x00, 0x42]);
const server = net.createServer(async (c) => {
  for (const b of BYTES) {
    c.write(Buffer.from([b]));
    await sleep(5);
  }
  c.end();
});
(async () => {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  for (const enc of ['utf16le', 'ucs2', 'ascii']) {
    const client = net.connect(server.address().port, '127.0.0.1');
    client.setEncoding(enc);
    const chunks = [];
    client.on('data', (d) => chunks.push(d));
    await once(client, 'end');
    log(enc, chunks.join(''));
  }
  server.close();
})();
