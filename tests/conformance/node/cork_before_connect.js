'use strict';
// cork() before the socket has connected, two writes (one multi-byte),
// uncork(): bytesWritten counts the 7 bytes at once and still 7 at
// 'connect' and at the end; writableCorked and writableLength meanwhile;
// the peer receives the writes in order, then the end() data.
const net = require('net');
const { log, grouped, collect } = require('./_trace');

grouped();
const server = net.createServer((c) => {
  collect(c, 'server');
  c.on('end', () => c.end());
  c.on('close', () => server.close());
});
server.listen(0, '127.0.0.1', () => {
  const client = net.connect(server.address().port, '127.0.0.1');
  client.cork();
  log('client corked', client.writableCorked, client.connecting);
  log('client write one', client.write('one'), client.writableLength);
  log('client write twø', client.write(Buffer.from('twø', 'utf8')), client.writableLength);
  client.uncork();
  log('client uncorked', client.writableCorked, client.bytesWritten, client.writableLength);
  client.on('connect', () => {
    log('client connect bytesWritten', client.bytesWritten);
    client.end('!');
  });
  client.resume();
  client.on('end', () => log('client end bytesWritten', client.bytesWritten));
});
