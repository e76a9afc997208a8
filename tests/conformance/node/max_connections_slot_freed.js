'use strict';
// maxConnections = 1: a second connection is dropped while the first is
// open; once the first has closed its slot is free again, so the next
// connection is served and the one after it is dropped.
const net = require('net');
const { log } = require('./_trace');

const server = net.createServer((c) => {
  c.on('data', (d) => {
    log('server got', d);
    c.write('ack ' + d);
  });
  c.on('close', () => server.emit('conn closed'));
});
server.maxConnections = 1;
let drops = 0;
server.on('drop', () => { drops++; });

function open(name, port) {
  const c = net.connect(port, '127.0.0.1');
  c.setEncoding('utf8');
  c.on('error', (e) => log(name + ' error', e.code));
  return c;
}

async function served(name, port) {
  const c = open(name, port);
  await new Promise((r) => c.once('connect', r));
  c.write(name);
  const [reply] = await new Promise((r) => c.once('data', (...a) => r(a)));
  log(name + ' reply', reply);
  return c;
}

async function dropped(name, port) {
  const c = open(name, port);
  const got = [];
  c.on('data', (d) => got.push(d));
  c.on('end', () => log(name + ' end'));
  await new Promise((r) => c.once('close', r));
  log(name + ' closed; data', got.join(''), 'drops', drops);
}

server.listen(0, '127.0.0.1', async () => {
  const port = server.address().port;
  const first = await served('first', port);
  await dropped('second', port);
  first.end();
  await new Promise((r) => server.once('conn closed', r));
  log('first closed');
  const third = await served('third', port);
  await dropped('fourth', port);
  server.close(() => log('server closed'));
  third.end();
});
