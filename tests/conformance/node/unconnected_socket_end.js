'use strict';
// end() on a new Socket that was never connected: it does not throw,
// returns the socket, and emits nothing ('finish' waits for a connection
// that never comes); readyState goes from 'open' to 'readOnly', pending stays
// true. The program then exits by itself.
const net = require('net');
const { log, trace } = require('./_trace');

const s = new net.Socket();
trace(s, 'socket', 'finish', 'end', 'error', 'close');
log('before end', s.readyState);
log('end returns socket', s.end() === s);
log('after end', s.readyState, s.pending, s.writable, s.writableEnded, s.writableFinished, s.destroyed);
setTimeout(() => log('later', s.readyState, s.writableFinished, s.destroyed), 20);
