'use strict';
// highWaterMark 0 still reads: a client with highWaterMark 0 and a 'data'
// listener gets everything; an accepted socket of a createServer({
// highWaterMark: 0 }) read with 'readable' and read() does too. TCP, then Unix.
const net = require('net');
const { log, tmpPath } = require('./_trace');

const N = 100000;

function run(tag, listenArgs, next) {
  const server = net.createServer({ highWaterMark: 0 }, (c) => {
    log(tag + ' server hwm', c.readableHighWaterMark, c.writableHighWaterMark);
    let got = 0;
    c.on('readable', () => {
      let chunk;
      while ((chunk = c.read()) !== null) got += chunk.length;
    });
    c.on('end', () => {
      log(tag + ' server got', got, c.bytesRead);
      c.end(Buffer.alloc(N, 's'));
    });
  });
  server.listen(...listenArgs, () => {
    const address = server.address();
    const options = typeof address === 'string'
      ? { path: address } : { port: address.port, host: '127.0.0.1' };
    const client = net.connect({ ...options, highWaterMark: 0 });
    log(tag + ' client hwm', client.readableHighWaterMark, client.writableHighWaterMark);
    let got = 0;
    client.on('data', (d) => { got += d.length; });
    client.on('end', () => log(tag + ' client got', got, client.bytesRead));
    client.end(Buffer.alloc(N, 'c'));
    client.on('close', () => server.close(next));
  });
}

run('tcp', [0, '127.0.0.1'], () => run('unix', [tmpPath('hwm0.sock')], () => log('done')));
