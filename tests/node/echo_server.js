// The seed's echo server (net.createServer example in shared/seed/net-v12.zh.md),
// the Node twin of examples/echo_server.py.
//
// usage: node tests/node/echo_server.js [PORT | PATH]   (default 8124)
//
// Like the trionet example it also prints READY after 'server bound'.
'use strict';
const net = require('net');

const where = process.argv[2] || '8124';
const target = /^\d+$/.test(where) ? Number(where) : where;

const server = net.createServer((c) => {
  // 'connection' listener.
  console.log('client connected');
  c.on('end', () => {
    console.log('client disconnected');
  });
  c.write('hello\r\n');
  c.pipe(c);
});
server.on('error', (err) => {
  throw err;
});
server.listen(target, () => {
  console.log('server bound');
  console.log('READY');
});
