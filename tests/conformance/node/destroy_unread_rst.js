'use strict';
// destroy() of a pauseOnConnect socket that has read nothing while the peer's
// bytes wait in its kernel buffer: the kernel resets the connection, so the
// peer gets 'error' ECONNRESET and 'close'(true), never 'end'. (Unix sockets
// do the same on Linux.) TCP, then Unix.
const net = require('net');
const { log, grouped, tmpPath } = require('./_trace');

// One group per socket, in this order (the two sides of a connection race).
grouped();
for (const tag of ['tcp-server', 'tcp-client', 'unix-server', 'unix-client']) log(tag);

function run(tag, listenArgs, next) {
  let accepted;
  const conn = new Promise((resolve) => { accepted = resolve; });
  const server = net.createServer({ pauseOnConnect: true }, accepted);
  server.listen(...listenArgs, () => {
    const address = server.address();
    const args = typeof address === 'string' ? [address] : [address.port, '127.0.0.1'];
    const client = net.connect(...args);
    client.resume();
    client.write('unread bytes', async () => {
      const c = await conn;
      log(tag + '-server destroys', c.bytesRead, c.isPaused());
      c.on('close', (hadError) => log(tag + '-server close', hadError));
      c.destroy();
    });
    client.on('end', () => log(tag + '-client end'));
    client.on('error', (e) => log(tag + '-client error', e.code, e.syscall));
    client.on('close', (hadError) => {
      log(tag + '-client close', hadError);
      server.close(next);
    });
  });
}

run('tcp', [0, '127.0.0.1'], () => run('unix', [tmpPath('rst.sock')], () => log('done')));
