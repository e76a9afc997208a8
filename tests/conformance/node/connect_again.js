'use strict';
// connect() on a socket that is already connecting: 'error' (EALREADY over TCP,
// EISCONN over a Unix socket, which connects at once), then 'close'(true). The
// first connect never completes.
const net = require('net');
const { log, tmpPath } = require('./_trace');

function errorLine(tag, e) {
  log(tag + ' error', e.code, e.syscall, e.address);
}

const conns = [];
const keep = (c) => { conns.push(c); c.on('error', () => {}); };
const tcp = net.createServer(keep);
tcp.listen(0, '127.0.0.1', () => {
  const port = tcp.address().port;
  const s = net.connect(port, '127.0.0.1');
  s.on('connect', () => log('tcp connect'));
  s.on('error', (e) => errorLine('tcp', e));
  s.on('close', (hadError) => {
    log('tcp close', hadError, s.destroyed);
    tcp.close();
    unix();
  });
  s.connect(port, '127.0.0.1');
  log('tcp second connect returned', s.connecting);
});

function unix() {
  const path = tmpPath('again.sock');
  const server = net.createServer(keep);
  server.listen(path, () => {
    const s = net.connect(path);
    s.on('connect', () => log('unix connect'));
    s.on('error', (e) => errorLine('unix', e));
    s.on('close', (hadError) => {
      log('unix close', hadError);
      // Node 20 leaves the first pipe connect request pending for ever (an active
      // PipeConnectWrap), which would keep this process alive: exit by hand.
      server.close(() => { log('done'); process.exit(0); });
      conns.forEach((c) => c.destroy());
    });
    s.connect(path);
    log('unix second connect returned', s.connecting);
  });
}
