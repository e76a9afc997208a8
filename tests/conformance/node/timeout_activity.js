'use strict';
// Activity pushes the idle timeout back: writes every 20 ms keep a 150 ms
// timeout from firing; once idle, it fires exactly once and again after
// new activity.
const net = require('net');
const { log, sleep } = require('./_trace');

const server = net.createServer((c) => {
  c.resume();
  c.on('close', () => server.close());
});
server.listen(0, '127.0.0.1', async () => {
  const client = net.connect(server.address().port, '127.0.0.1');
  let fired = 0;
  client.on('timeout', () => { fired++; });
  await new Promise((r) => client.once('connect', r));
  client.setTimeout(150);
  for (let i = 0; i < 12; i++) {
    client.write('x');
    await sleep(20);
  }
  log('timeouts while active', fired);
  await sleep(400);
  log('timeouts after idle', fired);
  client.write('y');
  await sleep(400);
  log('timeouts after more activity', fired);
  client.end();
});
