'use strict';
// Argument errors on socket and server methods: non-callable callbacks,
// bad timeouts, unknown encodings (non-chunk writes: args_write_chunk).
const net = require('net');
const { attempt } = require('./_trace');

attempt('createServer(42)', () => net.createServer(42));
attempt('getConnections(42)', () => net.createServer().getConnections(42));
const s = new net.Socket();
attempt('setTimeout(10, 42)', () => s.setTimeout(10, 42));
attempt('setTimeout(-1)', () => s.setTimeout(-1));
attempt("setTimeout('abc')", () => s.setTimeout('abc'));
attempt("on('data', 42)", () => s.on('data', 42));
attempt("setEncoding('bogus')", () => s.setEncoding('bogus'));
attempt("write('x', 'bogus')", () => s.write('x', 'bogus'));
s.destroy();
