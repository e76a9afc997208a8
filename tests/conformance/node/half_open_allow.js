'use strict';
// allowHalfOpen: the server's socket stays writable after the client's FIN;
// it answers later, then ends.
const net = require('net');
const { log, trace, collect } = require('./_trace');

const server = net.createServer({ allowHalfOpen: true }, (c) => {
  collect(c, 'conn');
  c.on('end', () => {
    log('conn end readyState', c.readyState);
    setTimeout(() => {
      log('conn write', c.write('late '));
      c.end('reply');
    }, 50);
  });
  trace(c, 'conn', 'finish');
  c.on('close', () => server.close());
});
server.listen(0, '127.0.0.1', () => {
  const client = net.connect({ port: server.address().port, host: '127.0.0.1', allowHalfOpen: true });
  trace(client, 'client', 'finish', 'end', 'close');
  collect(client, 'client');
  client.end('question');
});
