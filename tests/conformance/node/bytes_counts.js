'use strict';
// bytesRead / bytesWritten on both ends, with multi-byte strings and
// encodings; bytesWritten counts what write() accepted.
const net = require('net');
const { log, grouped } = require('./_trace');

grouped();
const server = net.createServer((c) => {
  c.resume();
  c.on('end', () => {
    log('server bytesRead', c.bytesRead, 'bytesWritten', c.bytesWritten);
    c.end('ñ€', () => log('server after end bytesWritten', c.bytesWritten));
  });
  c.on('close', () => server.close());
});
server.listen(0, '127.0.0.1', () => {
  const client = net.connect(server.address().port, '127.0.0.1');
  log('client before connect', client.bytesRead, client.bytesWritten);
  client.write('héllo');
  client.write(Buffer.from([1, 2, 3]));
  client.write('6869', 'hex');
  client.write('aGk=', 'base64');
  client.end('€');
  log('client after writes bytesWritten', client.bytesWritten);
  client.resume();
  client.on('close', () => log('client close bytesRead', client.bytesRead, 'bytesWritten', client.bytesWritten));
});
