'use strict';
// pauseOnConnect: accepted sockets start paused (no 'data' until resume());
// the data waits, nothing is lost.
const net = require('net');
const { log, sleep } = require('./_trace');

const server = net.createServer({ pauseOnConnect: true }, async (c) => {
  log('server isPaused', c.isPaused());
  const chunks = [];
  c.on('data', (d) => chunks.push(d));
  await sleep(100);
  log('server data before resume', chunks.length);
  c.resume();
  c.on('end', () => {
    log('server data', Buffer.concat(chunks));
    server.close();
  });
});
server.listen(0, '127.0.0.1', () => {
  net.connect(server.address().port, '127.0.0.1').end('waited');
});
