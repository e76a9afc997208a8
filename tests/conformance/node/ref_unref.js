'use strict';
// ref/unref liveness: the program exits while an unref'd server still
// listens (and an unref'd client is still connected to it); ref() after
// unref() keeps it alive until close().
const net = require('net');
const { log, grouped } = require('./_trace');

grouped();

const idle = net.createServer((c) => {
  log('idle connection');
  c.unref(); // an accepted socket is ref'd even when its server is not
});
idle.listen(0, '127.0.0.1', () => {
  log('idle listening');
  const c = net.connect(idle.address().port, '127.0.0.1');
  c.on('connect', () => {
    log('client connected; unref both');
    c.unref();
  });
});
idle.unref();

const kept = net.createServer();
kept.unref();
kept.ref();
kept.listen(0, '127.0.0.1', () => {
  log('kept listening');
  setTimeout(() => {
    log('kept closing');
    kept.close(() => log('kept closed'));
  }, 100);
});
