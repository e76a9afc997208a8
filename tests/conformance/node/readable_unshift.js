'use strict';
// Paused-mode reading with an encoding (lengths and read(n) count characters;
// a character split across chunks comes out whole), unshift() of strings and
// Buffers, removing the 'readable' listener (a 'data' listener then flows),
// and unshift() after 'end' (ERR_STREAM_UNSHIFT_AFTER_END_EVENT).
const net = require('net');
const { log, grouped } = require('./_trace');

grouped();
const pieces = [Buffer.from([0x68, 0xc3]), Buffer.from([0xa9, 0x6c, 0x6c, 0x6f, 0x20]),
  Buffer.from('wörld, flowing now'), Buffer.from('tail')];
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
  s.setEncoding('utf8');
  let step = 0;
  const onReadable = () => {
    log('client readable', step, s.readableLength);
    if (step === 0) {
      log('client read', s.read(), s.readableLength);
      s.write('more');
    } else if (step === 1) {
      log('client read 2', s.read(2), s.readableLength);
      log('client unshift', s.unshift('ÉH'), s.readableLength);
      log('client unshift buffer', s.unshift(Buffer.from('<')), s.readableLength);
      log('client read 4', s.read(4), s.readableLength);
      s.removeListener('readable', onReadable);
      s.on('data', (d) => {
        log('client data', d, s.readableFlowing);
        s.write('more');
      });
      log('client after remove', s.readableFlowing);
    }
    step++;
  };
  s.on('readable', onReadable);
  s.on('end', () => {
    log('client end', s.readableFlowing);
    s.on('error', (e) => log('client error', e));
    log('client unshift after end', s.unshift('x'));
  });
  s.on('close', (hadError) => log('client close', hadError, s.destroyed));
});
