'use strict';
// A ping-pong exchange (one PING, one PONG, N times) over TCP and over a
// Unix socket, with an allowHalfOpen server: readable/writable at each
// stage, bufferSize never holds more than one message, the last PING sent
// together with end() still gets its PONG, every write callback runs.
const net = require('net');
const { log, grouped, tmpPath } = require('./_trace');

grouped();
const N = 50;

function pingPong(tag, listenArgs, connectArgs) {
  let pongsSent = 0;
  let maxBuffer = 0;
  let serverData = 0;
  // Fixes the order of the groups in the output.
  log(tag + '-server start');
  log(tag + '-client start');
  const server = net.createServer({ allowHalfOpen: true }, (c) => {
    c.setEncoding('utf8');
    c.on('data', (d) => {
      serverData++;
      maxBuffer = Math.max(maxBuffer, c.bufferSize);
      if (serverData === 1) log(tag + '-server first data', d, c.readable, c.writable);
      c.write('PONG', () => { pongsSent++; });
    });
    c.on('end', () => {
      log(tag + '-server end', c.allowHalfOpen, c.readable, c.writable);
      c.end();
    });
    c.on('close', (hadError) => {
      log(tag + '-server close', hadError, c.readable, c.writable, serverData, pongsSent, maxBuffer <= 4);
      server.close();
    });
  });
  server.listen(...listenArgs, () => {
    const client = net.connect(...connectArgs(server));
    client.setEncoding('ascii');
    let count = 0;
    let finalSent = false;
    client.on('connect', () => {
      log(tag + '-client connect', client.readable, client.writable);
      client.write('PING');
    });
    client.on('data', (d) => {
      count++;
      if (d !== 'PONG') log(tag + '-client unexpected', d);
      if (finalSent) {
        log(tag + '-client data after end()', count, client.readable, client.writable);
        return;
      }
      if (count < N) {
        client.write('PING');
      } else {
        finalSent = true;
        client.write('PING');
        client.end();
        log(tag + '-client after end()', client.readable, client.writable);
      }
    });
    client.on('end', () => log(tag + '-client end', client.readable, client.writable));
    client.on('close', (hadError) => {
      log(tag + '-client close', hadError, count, client.readable, client.writable);
    });
  });
}

pingPong('tcp', [0, '127.0.0.1'], (s) => [s.address().port, '127.0.0.1']);
pingPong('unix', [tmpPath('pp.sock')], (s) => [s.address()]);
