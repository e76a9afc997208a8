'use strict';
// pause()/resume() called while the socket is still connecting: the last
// call wins once connected. A socket left paused gets no 'data' even with a
// 'data' listener (added after pause()), and keeps its data until resume().
const net = require('net');
const { log, grouped, sleep } = require('./_trace');

grouped();
const sequences = {
  a: ['resume'],
  b: ['pause', 'resume'],
  c: ['pause'],
  d: ['resume', 'pause', 'resume'],
  e: ['resume', 'resume', 'pause'],
};

let accepted = 0;
const server = net.createServer((c) => {
  c.end('payload');
  if (++accepted === Object.keys(sequences).length) server.close();
});
server.listen(0, '127.0.0.1', async () => {
  const port = server.address().port;
  const ended = [];
  const sockets = {};
  for (const [name, ops] of Object.entries(sequences)) {
    const s = net.connect(port, '127.0.0.1');
    for (const op of ops) s[op]();
    log(name + ' while connecting', s.connecting, s.isPaused(), s.readableFlowing);
    const got = [];
    s.on('data', (d) => got.push(d));
    log(name + ' after data listener', s.isPaused(), s.readableFlowing);
    ended.push(new Promise((resolve) => s.on('end', () => {
      log(name + ' end', Buffer.concat(got));
      resolve();
    })));
    sockets[name] = { s, got };
  }
  // The three flowing sockets end on their own.
  await Promise.all([ended[0], ended[1], ended[3]]);
  await sleep(100);
  for (const name of ['c', 'e']) {
    const { s, got } = sockets[name];
    log(name + ' still paused', s.isPaused(), 'chunks', got.length);
    s.resume();
  }
  await Promise.all(ended);
  server.on('close', () => log('server close'));
});
