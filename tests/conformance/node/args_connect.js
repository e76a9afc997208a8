'use strict';
// connect() argument errors are thrown at the call, before any socket is opened.
const net = require('net');
const { attempt } = require('./_trace');

attempt('connect(-1)', () => net.connect(-1));
attempt('connect(65536)', () => net.connect(65536));
attempt('connect(1.5)', () => net.connect(1.5));
attempt("connect({port: 'abc'})", () => net.connect({ port: 'abc' }));
attempt('connect()', () => net.connect());
attempt("connect({port: 80, localAddress: 'nope'})",
  () => net.connect({ port: 80, localAddress: 'nope' }));
attempt('connect({port: 80, family: 5})', () => net.connect({ port: 80, family: 5 }));
