'use strict';
// Data that arrived before anyone listened is buffered and delivered as
// soon as a 'data' listener is added (no further data is needed). The peer
// keeps the connection open; the client gives up after 1 s.
const net = require('net');
const { log, sleep } = require('./_trace');

const server = net.createServer((c) => {
  c.write('early');
  c.resume();
  c.on('close', () => server.close());
});
server.listen(0, '127.0.0.1', async () => {
  const client = net.connect(server.address().port, '127.0.0.1');
  await sleep(200);
  log('readableLength', client.readableLength);
  let got = null;
  client.on('data', (d) => {
    got = d;
    log('data', d);
    client.end();
  });
  await sleep(1000);
  if (got === null) {
    log('no data within 1 s');
    client.destroy();
  }
});
