'use strict';
// The Duplex state flags through a socket's life: readable, writable,
// readableEnded, writableEnded, writableFinished, readableFlowing,
// writableCorked; and setDefaultEncoding for write(string).
const net = require('net');
const { log, grouped } = require('./_trace');

grouped();
const flags = (s) => [s.readable, s.writable, s.readableEnded, s.writableEnded,
  s.writableFinished, s.readableFlowing, s.writableCorked];

const server = net.createServer((c) => {
  log('server conn', ...flags(c));
  const got = [];
  c.on('data', (d) => got.push(d));
  log('server data listener', ...flags(c));
  c.on('end', () => {
    log('server end', ...flags(c), Buffer.concat(got));
    c.end();
    log('server after end()', ...flags(c));
  });
  c.on('finish', () => log('server finish', ...flags(c)));
  c.on('close', () => {
    log('server close', ...flags(c));
    server.close();
  });
});
server.listen(0, '127.0.0.1', () => {
  const s = new net.Socket();
  log('client new', ...flags(s));
  s.connect(server.address().port, '127.0.0.1');
  log('client connecting', ...flags(s));
  s.on('connect', () => {
    log('client connect', ...flags(s));
    s.pause();
    log('client paused', ...flags(s));
    s.resume();
    s.cork();
    s.cork();
    log('client corked', ...flags(s));
    s.uncork();
    s.uncork();
    log('client default encoding', s.setDefaultEncoding('hex') === s);
    s.write('6869');
    s.end('21');
    log('client after end', ...flags(s));
  });
  s.on('finish', () => log('client finish', ...flags(s)));
  s.on('end', () => log('client end', ...flags(s)));
  s.on('close', () => {
    log('client close', ...flags(s));
    const d = new net.Socket();
    d.destroy();
    log('client destroyed new', ...flags(d));
    try {
      d.setDefaultEncoding('bogus');
    } catch (e) {
      log('client bad encoding', e.code);
    }
  });
});
