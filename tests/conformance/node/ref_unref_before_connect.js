'use strict';
// unref() and ref() on a new Socket before connect() persist once it
// connects: unref() then ref() keeps the program alive until the server
// ends the connection 100 ms later; a socket left unref'd (its peer
// unref'd too) does not keep it alive.
const net = require('net');
const { log, sleep } = require('./_trace');

const server = net.createServer((c) => {
  c.once('data', async (d) => {
    if (String(d) === 'unrefd') {
      c.unref();
      return;
    }
    await sleep(100);
    c.end('bye');
  });
});
server.listen(0, '127.0.0.1', () => {
  server.unref();
  const port = server.address().port;
  const kept = new net.Socket();
  log('kept unref().ref() returns socket', kept.unref().ref() === kept);
  kept.connect(port, '127.0.0.1', () => kept.write('kept'));
  kept.setEncoding('utf8');
  kept.on('data', (d) => log('kept data', d));
  kept.on('end', () => log('kept end'));
  kept.on('close', () => log('kept close'));

  const loose = new net.Socket();
  log('loose unref() returns socket', loose.unref() === loose);
  loose.connect(port, '127.0.0.1', () => {
    loose.write('unrefd');
    log('loose connect');
  });
  loose.on('close', () => log('loose close (unexpected)'));
});
