'use strict';
// Unref'd sockets with pending idle timeouts do not keep the program alive:
// once the only ref'd work (a 200 ms wait) is over, the program ends
// although every socket is still open and its timeout (1 s or more) has not
// fired; neither does an unref'd server or its unref'd accepted sockets.
const net = require('net');
const { log, sleep } = require('./_trace');

let accepted = 0;
const server = net.createServer((c) => {
  accepted++;
  c.write('hello');
  c.unref();
});
server.listen(0, '127.0.0.1', async () => {
  server.unref();
  let connected = 0;
  let greeted = 0;
  for (const seconds of [3, 1, 2]) {
    const s = net.connect(server.address().port, '127.0.0.1');
    s.setTimeout(seconds * 1000, () => {
      log('timeout fired', seconds);
      s.destroy();
    });
    s.on('connect', () => { connected++; });
    s.once('data', () => { greeted++; });
    s.unref();
  }
  await sleep(200);
  log('after 200 ms: connected', connected, 'accepted', accepted, 'greeted', greeted);
});
