'use strict';
// destroy() in the same tick as connect(): no SYN is sent, so the server
// never sees a connection (no 'connection', getConnections() 0 after a
// settle); each client gets 'close'(false) only. TCP only: over a Unix path
// Node's connect(2) runs inside connect(), so the server does accept it.
const net = require('net');
const { log, grouped, sleep, trace } = require('./_trace');

// One group per client (Node happens to close them in reverse order).
grouped();
const tags = ['client0', 'client1', 'client2'];
for (const tag of tags) log(tag);
let connections = 0;
const server = net.createServer(() => { connections += 1; });
server.listen(0, '127.0.0.1', async () => {
  for (const tag of tags) {
    const s = net.connect(server.address().port, '127.0.0.1');
    trace(s, tag, 'connect', 'error', 'close');
    s.destroy();
  }
  await sleep(100);
  server.getConnections((err, count) => {
    log('server', connections, err, count);
    server.close();
  });
});
