'use strict';
// listen(cb) then close() in the same tick: no 'listening' (the callback
// never runs), 'close' is emitted; address() is null afterwards.
const net = require('net');
const { log, trace } = require('./_trace');

const server = net.createServer();
trace(server, 'server', 'listening', 'close', 'error');
server.listen(0, () => log('listen callback'));
log('listening after listen()', server.listening);
server.close((err) => log('close callback', err));
log('listening after close()', server.listening, server.address());
