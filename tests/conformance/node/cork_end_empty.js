'use strict';
// cork(), write(), then end('', cb): end() uncorks, so the queued write and
// the FIN go out, the callback runs and both sides close; an uncork() after
// it changes nothing. On a connected socket and on one still connecting.
// A watchdog reports a socket that has not closed after 2 s.
const net = require('net');
const { once } = require('events');
const { log, grouped } = require('./_trace');

grouped();
const CASES = [
  ['connected', async (s) => { await once(s, 'connect'); }],
  ['connecting', async () => {}],
];

(async () => {
  const server = net.createServer((c) => {
    const chunks = [];
    c.on('data', (d) => chunks.push(d));
    c.on('end', () => log('server got', Buffer.concat(chunks).toString()));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  for (const [tag, ready] of CASES) {
    const s = net.connect(server.address().port, '127.0.0.1');
    s.resume();
    await ready(s);
    s.cork();
    s.write(tag);
    s.end('', (err) => log(tag + ' end cb', err));
    log(tag + ' corked after end', s.writableCorked);
    s.uncork();
    log(tag + ' corked after uncork', s.writableCorked);
    let timer;
    const gaveUp = new Promise((resolve) => { timer = setTimeout(() => resolve(true), 2000); });
    const closed = new Promise((resolve) => s.on('close', () => resolve(false)));
    if (await Promise.race([closed, gaveUp])) {
      log(tag + ' not closed after 2 s');
      s.destroy();
    } else {
      log(tag + ' close');
    }
    clearTimeout(timer);
  }
  server.close();
})();
