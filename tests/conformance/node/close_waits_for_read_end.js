'use strict';
// Both sides end() with data; the server reads in paused mode and calls
// read() only 100 ms after 'readable'. Its write side finishes, the peer's
// FIN has arrived, yet 'end' waits for the data to be read and 'close'
// waits for 'end': nothing is lost, nothing closes early.
const net = require('net');
const { log, grouped, sleep } = require('./_trace');

grouped();
// Fixes the order of the groups in the output.
log('server');
log('client');
const server = net.createServer((c) => {
  c.once('readable', async () => {
    log('server readable', c.readableLength);
    await sleep(100);
    log('server ended before read()', c.readableEnded, c.destroyed);
    log('server read()', c.read());
  });
  c.on('finish', () => log('server finish'));
  c.on('end', () => log('server end'));
  c.on('close', (hadError) => {
    log('server close', hadError, c.readableEnded);
    server.close();
  });
  c.end('from server');
});
server.listen(0, '127.0.0.1', () => {
  const client = net.connect(server.address().port, '127.0.0.1', () => client.end('from client'));
  const got = [];
  client.on('data', (d) => got.push(d));
  client.on('end', () => log('client end', Buffer.concat(got)));
  client.on('close', (hadError) => log('client close', hadError));
});
