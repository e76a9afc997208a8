'use strict';
// setTimeout(ms): 'timeout' fires on idleness and does not close the socket;
// the callback form is a once listener; socket.timeout reports the value.
const net = require('net');
const { log, trace } = require('./_trace');

const server = net.createServer((c) => {
  c.resume();
  c.on('close', () => server.close());
});
server.listen(0, '127.0.0.1', () => {
  const client = net.connect(server.address().port, '127.0.0.1', () => {
    client.setTimeout(60, () => {
      log('timeout cb', client.destroyed, client.readyState, client.timeout);
      setTimeout(() => client.end(), 30);
    });
  });
  trace(client, 'client', 'timeout', 'end', 'close');
  client.resume();
});
