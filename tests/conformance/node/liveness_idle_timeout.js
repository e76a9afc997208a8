'use strict';
// The idle timer of a socket keeps nothing alive (Node's is unref'd): a
// ref'd client that is paused, with setTimeout(300) and a 'timeout'
// listener, lets the process exit once connected, before the timer fires.
// The server and its connection are unref'd.
const net = require('net');
const { log } = require('./_trace');

const server = net.createServer((c) => {
  c.unref();
  c.write('hello');
});
server.unref();
server.listen(0, '127.0.0.1', () => {
  const s = net.connect(server.address().port, '127.0.0.1');
  s.pause();
  s.setTimeout(300, () => log('timeout'));
  s.on('connect', () => log('connect', s.timeout));
  s.on('close', () => log('close'));
});
