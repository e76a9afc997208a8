'use strict';
// A non-string host, in listen() options and in connect() options: Node's
// error comes from dns.lookup's validation (argument "hostname").
const net = require('net');
const { attempt } = require('./_trace');

attempt('listen({port: 0, host: 42})', () => net.createServer().listen({ port: 0, host: 42 }));
attempt('connect({port: 80, host: 42})', () => net.connect({ port: 80, host: 42 }));
