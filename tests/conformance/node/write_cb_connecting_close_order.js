'use strict';
// Writes made while connecting, then destroy(): Node fails the write waiting
// for 'connect' from a 'close' listener it adds at the write, so a 'close'
// listener added before the write runs before the write's callback (and the
// end() callback queued behind it), and one added after runs after them.
const net = require('net');
const { log } = require('./_trace');

const server = net.createServer((c) => c.resume());
server.listen(0, '127.0.0.1', () => {
  const s = net.connect(server.address().port, '127.0.0.1');
  s.on('close', (hadError) => log('close listener added before', hadError));
  s.write('a', (err) => log('a cb', err));
  s.end('b', (err) => log('end cb', err));
  s.on('close', (hadError) => {
    log('close listener added after', hadError);
    server.close();
  });
  s.destroy();
});
