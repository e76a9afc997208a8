'use strict';
// A socket that has closed still answers: setNoDelay, setKeepAlive, pause,
// resume, ref and unref return the socket and throw nothing; isPaused,
// readyState and the byte counts still read; remoteAddress/remotePort, read
// once while connected, are still there. Before 'connect' the remote
// properties are undefined. (address(), localAddress, bufferSize and
// setTimeout after close: after_close_local_state.)
const net = require('net');
const { log, attempt } = require('./_trace');

const server = net.createServer((c) => c.end('x'));
server.listen(0, '127.0.0.1', () => {
  const c = net.connect(server.address().port, '127.0.0.1');
  log('connecting remote', c.remoteAddress, c.remoteFamily, c.remotePort);
  log('connecting local', c.localAddress, c.localPort);
  c.on('connect', () => log('connected remote', c.remoteAddress, c.remoteFamily, c.remotePort > 0));
  c.resume();
  c.on('close', (hadError) => {
    log('close', hadError, c.readyState);
    attempt('setNoDelay() is socket', () => c.setNoDelay() === c);
    attempt('setKeepAlive(true, 1000) is socket', () => c.setKeepAlive(true, 1000) === c);
    attempt('pause() is socket', () => c.pause() === c);
    attempt('isPaused()', () => c.isPaused());
    attempt('resume() is socket', () => c.resume() === c);
    attempt('isPaused()', () => c.isPaused());
    attempt('unref() is socket', () => c.unref() === c);
    attempt('ref() is socket', () => c.ref() === c);
    log('remote after close', c.remoteAddress, c.remoteFamily, c.remotePort > 0);
    log('bytes after close', c.bytesRead, c.bytesWritten);
    server.close();
  });
});
