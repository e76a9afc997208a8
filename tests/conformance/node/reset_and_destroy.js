'use strict';
// resetAndDestroy(): the socket closes with a TCP RST; the peer's read
// fails with ECONNRESET ('error' then 'close' true); the resetting side
// sees only 'close' (false).
const net = require('net');
const { log, grouped, trace } = require('./_trace');

grouped();
const server = net.createServer((c) => {
  trace(c, 'conn', 'end', 'error', 'close');
  c.resume();
  c.write('hi');
  c.on('close', () => server.close());
});
server.listen(0, '127.0.0.1', () => {
  const client = net.connect(server.address().port, '127.0.0.1');
  client.once('data', () => {
    client.resetAndDestroy();
    log('client destroyed', client.destroyed);
  });
  trace(client, 'client', 'end', 'error', 'close');
});
