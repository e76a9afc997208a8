'use strict';
// Socket destinations at the edges of pipe(): writableNeedDrain is false once
// end() or destroy() came, and no 'drain' follows end() (so a source paused on
// that destination is not resumed into a write after end); an 'error' emitted
// by hand on a piped socket with no other 'error' listener unpipes it and
// destroys it, the 'error' following a tick later.
const net = require('net');
const { once } = require('events');
const { log, sinkServer, acceptedPair } = require('./_trace');

(async () => {
  const sink = await sinkServer();
  const port = sink.address().port;

  const a = net.connect(port, '127.0.0.1'); // still connecting: the write queues
  log('a write returns', a.write(Buffer.alloc(100000)), 'needDrain', a.writableNeedDrain);
  a.end();
  log('a ended: needDrain', a.writableNeedDrain);
  a.on('drain', () => log('a drain'));
  await once(a, 'finish');
  log('a finish');

  const b = net.connect(port, '127.0.0.1');
  log('b write returns', b.write(Buffer.alloc(100000)));
  b.destroy();
  log('b destroyed: needDrain', b.writableNeedDrain);
  b.on('drain', () => log('b drain'));
  await once(b, 'close');
  log('b close');

  const [server, client, src] = await acceptedPair();
  const d = net.connect(port, '127.0.0.1');
  await once(d, 'connect');
  src.pipe(d);
  d.on('unpipe', () => log('d unpipe'));
  const err = new Error('by hand');
  err.code = 'EHAND';
  d.emit('error', err);
  log('d emit returned: destroyed', d.destroyed, 'src paused', src.isPaused());
  d.on('error', (e) => log('d error', e.code, e === err));
  await new Promise((resolve) => d.on('close', resolve)); // (once() would reject)
  log('d close');
  client.destroy();
  server.close();
  sink.close();
})();
