'use strict';
// setEncoding with other encodings (hex, base64, latin1, 'UTF-8'
// spelling) on bytes that arrive one at a time: joined output equals the
// encoding of the whole. (utf16le and ascii: set_encoding_edge.)
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
  for (const enc of ['hex', 'base64', 'latin1', 'binary', 'UTF-8', 'utf-8']) {
    const client = net.connect(server.address().port, '127.0.0.1');
    client.setEncoding(enc);
    const chunks = [];
    client.on('data', (d) => chunks.push(d));
    await once(client, 'end');
    log(enc, chunks.join(''));
  }
  server.close();
})();
