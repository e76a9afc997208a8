'use strict';
// Paused-mode reading: a 'readable' listener, read() and read(n) (null until
// enough is buffered; the rest at EOF), 'data' emitted by read(), the
// read-ahead limit raised by a large read(n), and 'end' once all was taken.
// The server answers each "more" with the next piece, so chunks are fixed.
const net = require('net');
const { log, grouped } = require('./_trace');

grouped();
const pieces = ['hello ', 'world, this is more', 'abc'];
const server = net.createServer((c) => {
  let i = 0;
  c.write(pieces[i++]);
  c.on('data', () => {
    if (i < pieces.length) c.write(pieces[i++]);
    else c.end();
  });
  c.on('close', () => server.close());
});
server.listen(0, '127.0.0.1', () => {
  const s = net.connect(server.address().port, '127.0.0.1');
  log('client sync', s.readableFlowing, s.read(), s.readableLength);
  s.on('connect', () => log('client connect', s.readableFlowing, s.read(0)));
  s.on('data', (d) => log('client data', d));
  let step = 0;
  s.on('readable', () => {
    log('client readable', step, s.readableLength, s.readableFlowing);
    if (step === 0) {
      log('client read 10', s.read(10), s.readableLength);
      log('client read 20000', s.read(20000), s.readableHighWaterMark);
      s.write('more');
    } else if (step === 1) {
      log('client read 10', s.read(10));
      log('client read 10', s.read(10));
      log('client read 10', s.read(10), s.readableLength);
      s.write('more');
    } else if (step === 2) {
      log('client read', s.read());
      log('client read', s.read(), s.readableEnded);
      s.write('end');
    } else {
      log('client read 100', s.read(100), s.readableLength);
    }
    step++;
  });
  s.on('end', () => log('client end', s.readableLength, s.readableEnded, s.read()));
  s.on('close', (hadError) => log('client close', hadError));
});
