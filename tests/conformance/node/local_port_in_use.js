'use strict';
// connect() with a localPort another server already holds: the bind fails
// asynchronously with 'error' EADDRINUSE (syscall 'bind', the local address
// and port), then 'close' true; no 'connect', the connect callback never runs.
const net = require('net');
const { log, trace } = require('./_trace');

const target = net.createServer(() => log('unexpected connection'));
const holder = net.createServer(() => log('unexpected connection'));
target.listen(0, '127.0.0.1', () => {
  holder.listen(0, '127.0.0.1', () => {
    const client = net.connect({
      host: '127.0.0.1',
      port: target.address().port,
      localAddress: '127.0.0.1',
      localPort: holder.address().port,
    }, () => log('unexpected connect callback'));
    trace(client, 'client', 'connect', 'error');
    log('client connecting', client.connecting);
    client.on('close', (hadError) => {
      log('client close', hadError, client.destroyed);
      target.close();
      holder.close();
    });
  });
});
