'use strict';
// destroy(err) with write callbacks owed: each is called once, and the order
// is Node's. With a write in flight (libuv has it): 'error' first, then the
// write in flight (null: its request completes on a destroyed stream), the
// writes queued behind it and end()'s callback (the error), 'close'. With
// nothing in flight (corked): the queued writes' callbacks (the error) come
// before 'error'. cork() then end(): end() uncorks, so its chunks went out
// (null) and only end()'s callback gets the error, before 'error'. In every
// case, write callbacks come before end()'s. The peer reads nothing.
const net = require('net');
const { once } = require('events');
const { log } = require('./_trace');

const CASES = {
  inflight(s, cb) {
    s.write(Buffer.alloc(16 << 20, 'x'), cb('big'));
    s.write('a', cb('a'));
    s.end('b', cb('end'));
  },
  corked(s, cb) {
    s.cork();
    s.write('a', cb('a'));
    s.write('b', cb('b'));
  },
  'corked-end': (s, cb) => {
    s.cork();
    s.write('a', cb('a'));
    s.end('b', cb('end'));
  },
};

(async () => {
  const conns = [];
  const server = net.createServer({ pauseOnConnect: true }, (c) => conns.push(c));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  for (const [tag, writes] of Object.entries(CASES)) {
    const s = net.connect(server.address().port, '127.0.0.1');
    await once(s, 'connect');
    s.on('error', (e) => log(tag + ' error', e));
    const closed = new Promise((resolve) => s.on('close', resolve));
    s.on('close', (hadError) => log(tag + ' close', hadError));
    writes(s, (name) => (err) => log(tag + ' ' + name + ' cb', err));
    s.destroy(new Error('boom'));
    log(tag + ' destroyed');
    await closed;
  }
  for (const c of conns) c.destroy();
  server.close();
})();
