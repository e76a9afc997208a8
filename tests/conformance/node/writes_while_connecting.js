'use strict';
// Writes made while connecting go to the kernel as 'connect' is emitted: past
// the high-water mark, 'drain' comes first (the queue is empty, and end() has
// not been called yet), then the first write's callback, then the 'connect'
// listeners (writableLength 0), 'ready', and the other writes' callbacks.
const net = require('net');
const { log, grouped } = require('./_trace');

grouped();
const server = net.createServer((c) => {
  const got = [];
  c.on('data', (d) => got.push(d));
  c.on('end', () => {
    log('server got', Buffer.concat(got).toString());
    c.end();
  });
});
server.listen(0, '127.0.0.1', () => {
  const s = net.connect({ port: server.address().port, host: '127.0.0.1', writableHighWaterMark: 4 });
  log('client write 1 returns', s.write('abc', (e) => log('client callback 1', e)));
  log('client write 2 returns', s.write('def', (e) => log('client callback 2', e)));
  log('client write 3 returns', s.write('ghi', (e) => log('client callback 3', e)));
  s.on('drain', () => log('client drain', s.writableLength, s.writableEnded));
  s.on('connect', () => {
    log('client connect listener', s.writableLength, s.writableNeedDrain);
    s.end();
  });
  s.on('ready', () => log('client ready'));
  s.on('finish', () => log('client finish'));
  s.on('close', () => {
    log('client close');
    server.close();
  });
});
