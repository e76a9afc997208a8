'use strict';
// 'latin1' and its alias 'binary': every byte value 255..0 written as a
// string goes out as one byte each, and setEncoding('latin1') turns the echo
// back into the same string. A character above U+00FF written as latin1
// keeps only its low byte (U+0100 -> 0x00, U+20AC -> 0xAC).
const net = require('net');
const { log, grouped, collect } = require('./_trace');

grouped();
let all = '';
for (let i = 255; i >= 0; i--) all += String.fromCharCode(i);

const server = net.createServer((c) => {
  c.setEncoding('latin1');
  c.on('data', (chunk) => c.write(chunk, 'latin1'));
  c.on('end', () => {
    log('server bytesRead', c.bytesRead);
    c.end();
  });
  c.on('close', () => server.close());
});
server.listen(0, '127.0.0.1', () => {
  const client = net.connect(server.address().port, '127.0.0.1');
  client.setEncoding('latin1');
  const chunks = collect(client, 'client');
  client.on('end', () => {
    const got = chunks.join('');
    log('client got', got.length, got.slice(0, 256) === all, got.slice(256));
  });
  client.write(all, 'binary');
  client.end('\u0100\u20ac', 'latin1');
  log('client bytesWritten', client.bytesWritten);
});
