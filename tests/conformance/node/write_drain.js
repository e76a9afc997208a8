'use strict';
// write() returns false once the queue passes the high-water mark while the
// peer does not read; 'drain' follows once the peer reads; bufferSize and
// the total received. How many writes that takes is kernel-dependent: not printed.
const net = require('net');
const { log, grouped } = require('./_trace');

grouped();

const CHUNK = Buffer.alloc(64 * 1024, 97);
let received = 0;
let total = 5;
const server = net.createServer({ pauseOnConnect: true }, (c) => {
  c.on('data', (d) => { received += d.length; });
  c.on('end', () => {
    log('server got end');
    c.end();
  });
  c.on('close', () => server.close());
  server.emit('peer', c);
});
server.listen(0, '127.0.0.1', () => {
  const client = net.connect(server.address().port, '127.0.0.1');
  let peer = null;
  server.once('peer', (c) => { peer = c; });
  client.on('connect', () => {
    log('client first write', client.write('hello'));
    let writes = 1;

    const fill = () => {
      for (;;) {
        writes++;
        total += CHUNK.length;
        if (!client.write(CHUNK)) break;
        if (writes > 10000) throw new Error('never false');
      }
      log('client write returned false; bufferSize > 0', client.bufferSize > 0, client.writableNeedDrain);
      client.once('drain', () => {
        log('client drain; bufferSize', client.bufferSize, client.writableNeedDrain);
        client.end(() => log('client finished', client.bytesWritten === total));
        server.once('close', () => log('server received all', received === total));
      });
      const wait = () => (peer ? peer.resume() : setTimeout(wait, 5));
      setTimeout(wait, 50);
    };
    fill();
  });
  client.on('close', (h) => log('client close', h));
});
