'use strict';
// `for await` over a socket ends once the stream has emitted 'end': an 'end'
// listener runs before the loop is left, and readableEnded is then true.
// (What the socket does after the loop is not compared: Node's iterator
// destroys it, trionet's leaves it to its owner, see node-compat.md.)
const net = require('net');
const { log } = require('./_trace');

const server = net.createServer(async (c) => {
  c.on('end', () => log('end event', c.readableEnded));
  const got = [];
  for await (const d of c) got.push(d);
  log('loop done', Buffer.concat(got), c.readableEnded);
  server.close();
});
server.listen(0, '127.0.0.1', () => {
  const s = net.connect(server.address().port, '127.0.0.1', () => s.end('hello'));
  s.resume();
});
