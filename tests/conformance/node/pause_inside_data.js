'use strict';
// The server writes until write() returns false, then twice more, then
// end(); the client pauses inside every 'data' listener call and resumes
// 20 ms later. No 'data' arrives while paused, nothing is lost, and the
// client had to pause more than once.
const net = require('net');
const { log, grouped } = require('./_trace');

grouped();
log('server');
log('client');
let total = 0;
const server = net.createServer((c) => {
  const body = 'C'.repeat(1024);
  let n = 1;
  while (c.write(body)) n++;
  log('server write returned false; needs drain', c.writableNeedDrain);
  c.write(body);
  c.write(body);
  n += 2;
  total = n * body.length;
  log('server queued beyond the mark', c.writableLength > c.writableHighWaterMark);
  c.end();
});
server.listen(0, '127.0.0.1', () => {
  const client = net.connect(server.address().port, '127.0.0.1');
  client.setEncoding('ascii');
  let received = 0;
  let pauses = 0;
  let whilePaused = 0;
  let paused = false;
  client.on('data', (d) => {
    if (paused) whilePaused++;
    received += d.length;
    if (paused) return;
    client.pause();
    paused = true;
    pauses++;
    const seen = received;
    setTimeout(() => {
      if (received !== seen) whilePaused++;
      paused = false;
      client.resume();
    }, 20);
  });
  client.on('end', () => {
    log('client end: all received', received === total, 'paused more than once', pauses > 1,
        'data while paused', whilePaused);
    server.close();
    client.end();
  });
});
