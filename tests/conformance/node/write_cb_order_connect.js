'use strict';
// Writes made before 'connect': the first write's callback runs right after
// the connect callback (a 'connect' listener added before the write) and
// before 'connect' listeners added after the write; the next write's
// callback follows 'ready'. TCP, then Unix.
const net = require('net');
const { log, grouped, tmpPath } = require('./_trace');

grouped();

function run(tag, server, args, next) {
  const s = net.connect(...args, () => log(tag + ' connect cb'));
  s.write('a', (e) => log(tag + ' a cb', e));
  s.on('connect', () => log(tag + ' connect listener'));
  s.write('b', (e) => log(tag + ' b cb', e));
  s.on('ready', () => log(tag + ' ready'));
  s.end('c', (e) => log(tag + ' end cb', e));
  s.on('finish', () => log(tag + ' finish'));
  s.resume();
  s.on('close', (hadError) => {
    log(tag + ' close', hadError);
    server.close(next);
  });
}

const got = (tag) => (c) => {
  const chunks = [];
  c.on('data', (d) => chunks.push(d));
  c.on('end', () => {
    log('server ' + tag + ' got', Buffer.concat(chunks).toString());
    c.end();
  });
};

const tcp = net.createServer(got('tcp'));
tcp.listen(0, '127.0.0.1', () => {
  run('tcp', tcp, [tcp.address().port, '127.0.0.1'], () => {
    const unix = net.createServer(got('unix'));
    const path = tmpPath('order.sock');
    unix.listen(path, () => run('unix', unix, [path], () => log('done')));
  });
});
