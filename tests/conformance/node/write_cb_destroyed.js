'use strict';
// destroy() with writes queued: every write callback is called, once. The
// chunk libuv had started writing gets null (Node's onWriteComplete on a
// destroyed stream); the writes still queued behind it get
// ERR_STREAM_DESTROYED; a write after destroy() too. bufferSize has no
// handle to ask any more (undefined, printed null). The peer (pauseOnConnect)
// reads nothing, so the 32 MiB write cannot finish. TCP, then Unix.
const net = require('net');
const { log, tmpPath } = require('./_trace');

function run(tag, listenArgs, next) {
  let conn = null;
  const server = net.createServer({ pauseOnConnect: true }, (c) => { conn = c; });
  server.listen(...listenArgs, () => {
    const address = server.address();
    const args = typeof address === 'string' ? [address] : [address.port, '127.0.0.1'];
    const s = net.connect(...args, () => {
      log(tag + ' big', s.write(Buffer.alloc(32 * 1024 * 1024, 'x'), (e) => log(tag + ' big cb', e)));
      log(tag + ' a', s.write('a', (e) => log(tag + ' a cb', e)));
      log(tag + ' b', s.write('b', (e) => log(tag + ' b cb', e)));
      log(tag + ' queued', s.bufferSize > 0, s.writableLength > 0);
      s.destroy();
      log(tag + ' destroyed', s.destroyed, s.bufferSize);
      log(tag + ' c', s.write('c', (e) => log(tag + ' c cb', e)));
    });
    s.on('error', (e) => log(tag + ' error', e));
    s.on('close', (hadError) => {
      log(tag + ' close', hadError);
      if (conn) conn.destroy();
      server.close(next);
    });
  });
}

run('tcp', [0, '127.0.0.1'], () => run('unix', [tmpPath('destroyed.sock')], () => log('done')));
