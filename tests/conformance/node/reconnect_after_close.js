'use strict';
// connect() on a socket that has emitted 'close' connects again with fresh
// state (destroyed, connecting, pending, readyState, byte counts) and the new
// connection's addresses; 'connect', 'ready', 'end', 'finish', 'close' come
// again. Over TCP, then over a Unix socket.
const net = require('net');
const { log, tmpPath } = require('./_trace');

function state(tag, s) {
  log(tag, s.destroyed, s.connecting, s.pending, s.readyState, s.bytesRead, s.bytesWritten);
}

function run(tag, server, args, next) {
  let round = 0;
  let firstPort = null;
  const s = net.connect(...args);
  s.setEncoding('utf8');
  s.on('connect', () => {
    round += 1;
    log(tag + ' connect', round);
    state(tag + ' at connect', s);
    log(tag + ' remote', s.remoteAddress, s.remotePort === (server.address().port || undefined));
    if (round === 1) firstPort = s.localPort;
    else log(tag + ' new local port', s.localPort === undefined || s.localPort !== firstPort);
    s.end('msg' + round);
  });
  s.on('ready', () => log(tag + ' ready'));
  s.on('data', (d) => log(tag + ' data', d));
  s.on('end', () => log(tag + ' end'));
  s.on('finish', () => log(tag + ' finish'));
  s.on('error', (e) => log(tag + ' error', e));
  s.on('close', (hadError) => {
    log(tag + ' close', hadError);
    state(tag + ' after close', s);
    if (round === 1) {
      log(tag + ' connect returned', s.connect(...args) === s);
      state(tag + ' reconnecting', s);
    } else {
      server.close(next);
    }
  });
}

const echo = (c) => {
  c.setEncoding('utf8');
  let got = '';
  c.on('data', (d) => { got += d; });
  c.on('end', () => c.end('echo:' + got));
};

const tcp = net.createServer(echo);
tcp.listen(0, '127.0.0.1', () => {
  run('tcp', tcp, [tcp.address().port, '127.0.0.1'], () => {
    const path = tmpPath('reconnect.sock');
    const unix = net.createServer(echo);
    unix.listen(path, () => run('unix', unix, [path], () => log('done')));
  });
});
