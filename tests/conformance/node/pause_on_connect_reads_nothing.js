'use strict';
// Nothing is read from the kernel while a socket is paused from the start:
// an accepted socket of a pauseOnConnect server, and a client paused before
// it connects. bytesRead and readableLength stay 0 while the peer's bytes
// wait in the kernel; resume() then delivers them all. TCP, then Unix.
const net = require('net');
const { log, grouped, sleep, tmpPath } = require('./_trace');

// One group per socket, in this order (the two sides of a connection race).
grouped();
for (const tag of ['tcp-server', 'tcp-client', 'unix-server', 'unix-client']) log(tag);

const N = 3000;

function run(tag, listenArgs, next) {
  const server = net.createServer({ pauseOnConnect: true }, (c) => {
    // The server side: the client's N bytes wait unread.
    c.once('data', () => log(tag + '-server first data', c.bytesRead > 0));
    let got = 0;
    c.on('data', (d) => { got += d.length; });
    c.on('end', () => {
      log(tag + '-server end', got, c.bytesRead);
      c.end();
    });
    c.write(Buffer.alloc(N, 's'), async () => {
      await sleep(60);
      log(tag + '-server paused', c.isPaused(), c.bytesRead, c.readableLength);
      c.resume();
    });
  });
  server.listen(...listenArgs, () => {
    const address = server.address();
    const args = typeof address === 'string' ? [address] : [address.port, '127.0.0.1'];
    const client = net.connect(...args);
    client.pause();
    client.on('connect', () => {
      client.end(Buffer.alloc(N, 'c'), async () => {
        await sleep(60);
        log(tag + '-client paused', client.isPaused(), client.bytesRead, client.readableLength);
        let got = 0;
        client.on('data', (d) => { got += d.length; });
        client.on('end', () => log(tag + '-client end', got, client.bytesRead));
        client.resume();
      });
    });
    client.on('close', () => server.close(next));
  });
}

run('tcp', [0, '127.0.0.1'], () => run('unix', [tmpPath('paused.sock')], () => log('done')));
