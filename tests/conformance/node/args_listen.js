'use strict';
// listen() argument errors are thrown at the call: bad ports (-1, 65536,
// 1.5, 'abc' in options), options without port or path, and a second
// listen() once listening.
const net = require('net');
const { attempt } = require('./_trace');

const fresh = () => net.createServer();
attempt('listen(-1)', () => fresh().listen(-1));
attempt('listen(65536)', () => fresh().listen(65536));
attempt('listen(1.5)', () => fresh().listen(1.5));
attempt("listen({port: 'abc'})", () => fresh().listen({ port: 'abc' }));
attempt('listen({port: -1})', () => fresh().listen({ port: -1 }));
attempt("listen({port: '65536'})", () => fresh().listen({ port: '65536' }));
attempt('listen({port: true})', () => fresh().listen({ port: true }));
attempt('listen({backlog: 1})', () => fresh().listen({ backlog: 1 }));
const s = fresh();
s.listen(0, '127.0.0.1', () => {
  attempt('listen twice', () => s.listen(0, '127.0.0.1'));
  s.close();
});
