'use strict';
// close() on a server that is not listening: the callback gets
// ERR_SERVER_NOT_RUNNING (asynchronously); a second close() after a real one too.
const net = require('net');
const { log } = require('./_trace');

const fresh = net.createServer();
fresh.close((err) => log('fresh close cb', err));
fresh.on('close', () => log('fresh close event'));
log('after close() call');
const server = net.createServer();
server.listen(0, '127.0.0.1', () => {
  server.close((err) => {
    log('first close cb', err);
    server.close((err2) => log('second close cb', err2));
  });
});
