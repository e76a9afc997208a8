'use strict';
// The peer destroys its end while we start writing 10 MiB to it: the write
// fails once, so exactly one 'error' is emitted (EPIPE or ECONNRESET,
// whichever the kernel reports first: printed as one value), then 'close'
// true; the write callback is called once: with that same error where the
// write saw the reset, with null where a read saw it first (libuv reads until
// EAGAIN and so meets the peer's FIN first; trionet reads one chunk per
// readiness edge and may meet the reset: a documented difference).
const net = require('net');
const { log, grouped } = require('./_trace');

grouped();
const big = Buffer.alloc(10 * 1024 * 1024, 0x62);
const server = net.createServer((c) => {
  const errors = [];
  let cbError;
  let cbCalls = 0;
  c.on('error', (e) => errors.push(e));
  c.on('close', (hadError) => {
    const codes = errors.map((e) => (['EPIPE', 'ECONNRESET'].includes(e.code) ? 'EPIPE|ECONNRESET' : e.code));
    log('server close', hadError, errors.length, codes, cbCalls,
        cbError === errors[0] || cbError === null);
    server.close();
  });
  c.on('data', () => {
    c.write(big, (err) => { cbError = err; cbCalls++; });
  });
});
server.listen(0, '127.0.0.1', () => {
  const client = net.connect(server.address().port, '127.0.0.1', () => {
    client.write('go', () => client.destroy());
  });
  client.on('close', (hadError) => log('client close', hadError));
});
