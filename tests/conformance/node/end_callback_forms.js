'use strict';
// Every end() overload takes a callback: end(cb), end(str, cb),
// end(str, enc, cb), end(buf, cb), end(str, 'hex', cb). Each callback runs
// once, with no error, and the peer gets the decoded bytes.
const net = require('net');
const { log, grouped } = require('./_trace');

grouped();
const forms = {
  bare: (s, cb) => s.end(cb),
  string: (s, cb) => s.end('foo', cb),
  utf8: (s, cb) => s.end('fø', 'utf8', cb),
  buffer: (s, cb) => s.end(Buffer.from([0, 255]), cb),
  hex: (s, cb) => s.end('6869', 'hex', cb),
};
// Fixes the order of the groups in the output.
for (const tag of Object.keys(forms)) log(tag);
log('server');
const received = [];
const server = net.createServer((c) => {
  const chunks = [];
  c.on('data', (d) => chunks.push(d));
  c.on('end', () => {
    received.push(Buffer.concat(chunks).toString('hex'));
    c.end();
    if (received.length === Object.keys(forms).length) {
      log('server received hex (sorted)', received.sort());
      server.close();
    }
  });
});
server.listen(0, '127.0.0.1', () => {
  for (const [tag, form] of Object.entries(forms)) {
    const s = net.connect(server.address().port, '127.0.0.1', () => {
      form(s, (...args) => log(tag + ' end callback', ...args));
    });
    s.resume();
    s.on('close', (hadError) => log(tag + ' close', hadError));
  }
});
