'use strict';
// pause() stops 'data' (the data waits), resume() delivers it; isPaused().
const net = require('net');
const { log, sleep } = require('./_trace');

const server = net.createServer(async (c) => {
  c.write('one ');
  await sleep(30);
  c.write('two ');
  await sleep(30);
  c.end('three');
  c.resume();
  c.on('close', () => server.close());
});
server.listen(0, '127.0.0.1', () => {
  const client = net.connect(server.address().port, '127.0.0.1');
  const chunks = [];
  let paused = false;
  let whilePaused = 0;
  client.on('data', (d) => {
    if (paused) whilePaused++;
    chunks.push(d);
  });
  client.pause();
  paused = true;
  log('isPaused', client.isPaused());
  setTimeout(() => {
    log('received while paused', chunks.length, whilePaused);
    paused = false;
    client.resume();
    log('isPaused', client.isPaused());
  }, 200);
  client.on('end', () => log('end data', Buffer.concat(chunks)));
  client.on('close', (h) => log('close', h));
});
