'use strict';
// allowHalfOpen false, our own end() done, then the peer's FIN: a write() in
// the 'end' listener (the socket is still alive) returns false, its callback
// gets EPIPE "This socket has been ended by the other party", and the socket
// emits it as 'error' and closes. A write after that 'close' gets the same
// EPIPE, and no second 'error'. TCP, then Unix.
const net = require('net');
const { log, tmpPath } = require('./_trace');

function run(tag, listenArgs, next) {
  const server = net.createServer((c) => {
    c.resume();
    c.on('end', () => c.end());
  });
  server.listen(...listenArgs, () => {
    const address = server.address();
    const args = typeof address === 'string' ? [address] : [address.port, '127.0.0.1'];
    const s = net.connect(...args, () => s.end('x'));
    s.resume();
    s.on('finish', () => log(tag + ' finish'));
    s.on('end', () => {
      log(tag + ' end', s.destroyed, s.writableEnded, s.readyState);
      log(tag + ' write', s.write('late', (e) => log(tag + ' write cb', e)));
      log(tag + ' after write', s.destroyed);
    });
    s.on('error', (e) => log(tag + ' error', e));
    s.on('close', (hadError) => {
      log(tag + ' close', hadError);
      log(tag + ' write after close', s.write('later', (e) => {
        log(tag + ' late write cb', e);
        server.close(next);
      }));
    });
  });
}

run('tcp', [0, '127.0.0.1'], () => run('unix', [tmpPath('fin.sock')], () => log('done')));
