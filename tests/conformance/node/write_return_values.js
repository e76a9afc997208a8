'use strict';
// write() return values to a reading peer: true for small writes and for
// writes up to the high-water mark (16 KiB) that the kernel takes at once;
// callbacks run in order with null; writableHighWaterMark.
const net = require('net');
const { log, grouped } = require('./_trace');

grouped();
const server = net.createServer((c) => {
  let n = 0;
  c.on('data', (d) => { n += d.length; });
  c.on('end', () => {
    log('server received', n);
    server.close();
  });
});
server.listen(0, '127.0.0.1', () => {
  const client = net.connect(server.address().port, '127.0.0.1', () => {
    log('client hwm', client.writableHighWaterMark);
    log('client write small', client.write('x', (e) => log('client cb 1', e)));
    log('client write 16383', client.write(Buffer.alloc(16383), (e) => log('client cb 2', e)));
    log('client write 16384', client.write(Buffer.alloc(16384), (e) => log('client cb 3', e)));
    log('client write empty', client.write('', (e) => log('client cb 4', e)));
    client.end();
  });
  client.on('drain', () => log('client drain'));
});
