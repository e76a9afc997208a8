'use strict';
// connect() from the 'error' listener of a refused connect: the socket reads
// as connecting at once (Node's _undestroy), and the failed connection's own
// 'close' still comes, with hadError true, while the new one connects; then
// the new connection's events. (It is only written to and destroyed: node 20
// never emits 'finish' for an end() on it.)
const net = require('net');
const { log, freePort } = require('./_trace');

function state(tag, s) {
  log(tag, s.destroyed, s.connecting, s.readyState);
}

const server = net.createServer((c) => c.resume());
server.listen(0, '127.0.0.1', async () => {
  const port = server.address().port;
  const s = new net.Socket();
  let closes = 0;
  s.on('connect', () => {
    log('connect');
    s.write('hi', (err) => {
      log('write cb', err);
      s.destroy();
    });
  });
  s.on('error', (e) => log('error', e.code));
  s.once('error', () => {
    s.connect(port, '127.0.0.1');
    state('after connect()', s);
  });
  s.on('close', (hadError) => {
    closes += 1;
    log('close', closes, hadError);
    state('in close', s);
    if (closes === 2) server.close();
  });
  s.connect(await freePort(), '127.0.0.1');
});
