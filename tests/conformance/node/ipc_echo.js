'use strict';
// Echo over a Unix domain socket: server.address() is the path, the client
// has no remote address/port, the data comes back, the socket file is
// removed on close.
const net = require('net');
const fs = require('fs');
const { log, grouped, tmpPath, collect, trace } = require('./_trace');

grouped();

const path = tmpPath('echo.sock');
const server = net.createServer((c) => {
  log('server connection remote', c.remoteAddress, c.remotePort);
  c.pipe(c);
});
server.listen(path, () => {
  log('server address', server.address());
  log('server socket file exists', fs.existsSync(path));
  const client = net.connect(path, () => {
    log('client connect remote', client.remoteAddress, client.remotePort, client.remoteFamily);
    log('client address', client.address());
  });
  collect(client, 'client');
  trace(client, 'client', 'close');
  client.on('close', () => server.close(() => {
    log('server closed; socket file exists', fs.existsSync(path));
  }));
  client.end('over a unix socket');
});
