// The seed's echo client (net.createConnection example in shared/seed/net-v12.zh.md),
// the Node twin of examples/echo_client.py.
//
// usage: node tests/node/echo_client.js [PORT | PATH]   (default 8124)
'use strict';
const net = require('net');

const where = process.argv[2] || '8124';
const options = /^\d+$/.test(where) ? { port: Number(where) } : { path: where };

const client = net.createConnection(options, () => {
  // 'connect' listener.
  console.log('connected to server!');
  client.write('world!\r\n');
});
client.on('data', (data) => {
  console.log(data.toString());
  client.end();
});
client.on('end', () => {
  console.log('disconnected from server');
});
