'use strict';
// end() (with and without data) while the socket is still connecting: the
// end is remembered, 'connect' still comes, then the data and the FIN are
// sent ('finish'); the peer reads the data and 'end'; both sides close cleanly.
const net = require('net');
const { log, grouped, trace } = require('./_trace');

grouped();
// Fixes the order of the groups in the output.
for (const tag of ['withdata', 'empty', 'server']) log(tag);
const received = [];
const server = net.createServer((c) => {
  const chunks = [];
  c.on('data', (d) => chunks.push(d));
  c.on('end', () => c.end());
  c.on('close', () => {
    received.push(Buffer.concat(chunks).toString());
    if (received.length < 2) return;
    log('server received (sorted)', received.sort());
    server.close();
  });
});
server.listen(0, '127.0.0.1', () => {
  for (const [tag, args] of [['withdata', ['bye']], ['empty', []]]) {
    const s = net.connect(server.address().port, '127.0.0.1');
    const r = s.end(...args);
    log(tag + ' after end()', r === s, s.connecting, s.writableEnded, s.writableFinished, s.readyState);
    trace(s, tag, 'connect', 'ready', 'finish', 'end', 'error', 'close');
    s.resume();
  }
});
