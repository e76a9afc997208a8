'use strict';
// Writes before the connection is up are queued: with highWaterMark 0 every
// write returns false; bufferSize and bytesWritten grow at once, bytesWritten
// by the UTF-8 bytes of a multi-byte string; end() while connecting leaves
// readyState 'opening'. pending is true until connected, false in the write
// callback, true again after 'close'; bufferSize is 0 at 'finish'.
// bufferSize is printed only while the queue holds ASCII: Node counts a
// queued string's characters there (its docs say so), trionet its bytes.
const net = require('net');
const { log, grouped } = require('./_trace');

grouped();
const server = net.createServer((c) => {
  server.close();
  c.setEncoding('utf8');
  const chunks = [];
  c.on('data', (d) => chunks.push(d));
  c.on('end', () => {
    log('server got', chunks.join(''), c.bytesRead);
    c.end();
  });
});
server.listen(0, '127.0.0.1', () => {
  const s = new net.Socket({ highWaterMark: 0 });
  log('client new', s.pending, s.connecting);
  s.connect(server.address().port, '127.0.0.1', () => log('client connect', s.pending));
  log('client connecting', s.pending, s.connecting, s.readyState, s.bufferSize);
  for (let i = 0; i < 3; i++) {
    log('client write a', s.write('a'), s.bufferSize, s.bytesWritten);
  }
  const r = s.write("L'État, c'est ", (err) => log('client write cb', err, s.bytesWritten, s.pending));
  log('client write multi-byte', r, s.bytesWritten);
  s.end('moi');
  log('client after end', s.readyState, s.bytesWritten);
  s.on('finish', () => log('client finish', s.bufferSize));
  s.resume();
  s.on('close', () => log('client close', s.pending, s.bytesWritten));
});
