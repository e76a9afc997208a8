'use strict';
// listen({fd}) with an fd that is not a usable descriptor number (negative,
// a string, a boolean): Node treats the options as having neither port nor
// path, and throws ERR_INVALID_ARG_VALUE at the call.
const net = require('net');
const { attempt } = require('./_trace');

for (const [label, fd] of [['-1', -1], ['-2', -2], ["'3'", '3'], ['true', true]]) {
  attempt('listen({fd: ' + label + '})', () => net.createServer().listen({ fd }));
}
