'use strict';
// The per-attempt events (Node >= 20.12): 'connectionAttempt' (ip, port,
// family) before each TCP connect, 'connectionAttemptFailed' (+ error) when
// one fails; over a Unix socket only a failed attempt is told (port and
// family undefined). Happy Eyeballs: one pair of events per address tried.
// The cases run one after another.
const net = require('net');
const { log, tmpPath } = require('./_trace');

function run(tag, port, connectArgs, next) {
  const s = new net.Socket();
  s.on('lookup', (err, address, family) => log(tag + ' lookup', err, address, family));
  s.on('connectionAttempt', (ip, p, family) => log(tag + ' attempt', ip, p === port, family));
  s.on('connectionAttemptFailed',
    (ip, p, family, e) => log(tag + ' failed', ip, p === port, family, e));
  s.on('connectionAttemptTimeout', (ip, p, family) => log(tag + ' timeout', ip, p === port, family));
  s.on('connect', () => { log(tag + ' connect', s.remoteAddress); s.end(); });
  s.on('error', (e) => log(tag + ' error', e));
  s.on('close', (hadError) => { log(tag + ' close', hadError); next(); });
  s.connect(...connectArgs);
}

const server = net.createServer((c) => c.end());
server.listen(0, '127.0.0.1', () => {
  const port = server.address().port;
  // ::1 refuses (the server listens on 127.0.0.1 only), then 127.0.0.1 connects.
  const lookup = (host, options, cb) => cb(null, [
    { address: '::1', family: 6 }, { address: '127.0.0.1', family: 4 }]);
  const dead = net.createServer().listen(0, '127.0.0.1', () => {
    const deadPort = dead.address().port;
    dead.close(() => {
      run('ok', port, [port, '127.0.0.1'], () =>
        run('refused', deadPort, [deadPort, '127.0.0.1'], () =>
          run('unix', undefined, [tmpPath('no-such.sock')], () =>
            run('raced', port, [{ port, host: 'dual.test', lookup }], () => server.close()))));
    });
  });
});
