'use strict';
// What a closed socket reports about its own end: address() is {} and
// localAddress/localPort are undefined once the handle is gone (only the
// remote address is kept); setTimeout() on a closed socket sets nothing
// (timeout stays undefined, no 'timeout' comes). (bufferSize after close:
// api_small_points.)
const net = require('net');
const { log } = require('./_trace');

const server = net.createServer((c) => c.end());
server.listen(0, '127.0.0.1', () => {
  const c = net.connect(server.address().port, '127.0.0.1');
  c.on('connect', () => {
    log('connected address()', c.address());
    log('connected local', c.localAddress, c.localPort > 0);
  });
  c.on('timeout', () => log('timeout'));
  c.resume();
  c.on('close', () => {
    log('closed address()', c.address());
    log('closed local', c.localAddress, c.localPort, c.localFamily);
    c.setTimeout(10);
    log('closed timeout after setTimeout(10)', c.timeout);
    setTimeout(() => server.close(), 50);
  });
});
