'use strict';
// After ECONNREFUSED (TCP) or ENOENT (Unix path), 'error' and 'close'(true),
// connect() on the same socket connects again with fresh state and emits
// 'connect', 'ready', ... 'close'(false). (No write before the failed connect:
// node 20 keeps such a write queued and a reconnect then fails with
// ERR_MULTIPLE_CALLBACK.)
const net = require('net');
const { log, grouped, tmpPath, freePort } = require('./_trace');

grouped();

function state(tag, s) {
  log(tag, s.destroyed, s.connecting, s.pending, s.readyState, s.bytesRead, s.bytesWritten);
}

function errorLine(tag, e) {
  log(tag + ' error', e.code, e.syscall);
}

// badArgs fail; then startServer(cb) listens and calls cb(server, args).
function run(tag, badArgs, startServer, next) {
  const s = net.connect(...badArgs);
  let closes = 0;
  s.on('connect', () => {
    log(tag + ' connect');
    state(tag + ' at connect', s);
    s.end('hi');
  });
  s.on('ready', () => log(tag + ' ready'));
  s.on('end', () => log(tag + ' end'));
  s.on('finish', () => log(tag + ' finish'));
  s.on('error', (e) => errorLine(tag, e));
  s.resume();
  s.on('close', (hadError) => {
    closes += 1;
    log(tag + ' close', hadError);
    state(tag + ' after close', s);
    if (closes === 1) {
      startServer((server, args) => {
        s.once('close', () => server.close(next));
        s.connect(...args);
        state(tag + ' reconnecting', s);
      });
    }
  });
}

const sink = (tag) => (c) => {
  const chunks = [];
  c.on('data', (d) => chunks.push(d));
  c.on('end', () => {
    log('server ' + tag + ' got', Buffer.concat(chunks).toString());
    c.end();
  });
};

freePort().then((port) => {
  run('tcp', [port, '127.0.0.1'], (cb) => {
    const server = net.createServer(sink('tcp'));
    server.listen(0, '127.0.0.1', () => cb(server, [server.address().port, '127.0.0.1']));
  }, () => {
    const path = tmpPath('later.sock');
    run('unix', [path], (cb) => {
      const server = net.createServer(sink('unix'));
      server.listen(path, () => cb(server, [path]));
    }, () => log('done'));
  });
});
