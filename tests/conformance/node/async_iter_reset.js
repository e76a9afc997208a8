'use strict';
// A server written with `for await` and try/catch survives a client's reset:
// the iterator handles the socket's 'error' (no 'error' listener is needed),
// the loop rejects with ECONNRESET, and the next client is served.
const net = require('net');
const { log } = require('./_trace');

let n = 0;
const server = net.createServer(async (c) => {
  const tag = 'conn' + ++n;
  try {
    for await (const chunk of c) c.write(chunk);
    log(tag + ' loop ended');
  } catch (e) {
    log(tag + ' caught', e.code, c.destroyed);
  }
});
server.listen(0, '127.0.0.1', () => {
  const port = server.address().port;
  const first = net.connect(port, '127.0.0.1', () => first.write('one'));
  first.on('data', (d) => {
    log('first echo', d);
    first.resetAndDestroy();
  });
  first.on('close', () => {
    const second = net.connect(port, '127.0.0.1', () => second.write('two'));
    second.on('data', (d) => {
      log('second echo', d);
      second.end();
    });
    second.on('close', () => server.close(() => log('server closed')));
  });
});
