'use strict';
// The stream events 'pause' and 'resume': 'pause' from pause() unless already
// paused; 'resume' a tick after resume() (once for several calls in a tick),
// before any 'data' flows, and even if pause() came in between (the socket
// then stays paused).
const net = require('net');
const { once } = require('events');
const { log, grouped } = require('./_trace');

grouped();
(async () => {
  const server = net.createServer((c) => {
    c.on('pause', () => log('server pause event', c.readableFlowing));
    c.on('resume', () => log('server resume event', c.readableFlowing, c.isPaused()));
    let first = true;
    c.on('data', (d) => {
      log('server data', d.toString());
      if (!first) return;
      first = false;
      c.pause();
      log('server after pause', c.readableFlowing, c.isPaused());
      c.resume();
      log('server after resume', c.readableFlowing, c.isPaused());
      c.pause();
      c.resume();
      c.resume();
      log('server after pause resume resume', c.readableFlowing);
      c.write('go');
    });
    c.on('end', () => {
      log('server end');
      c.end();
      server.close();
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');

  const client = net.connect(server.address().port, '127.0.0.1');
  client.on('pause', () => log('client pause event', client.readableFlowing));
  client.on('resume', () => log('client resume event', client.readableFlowing, client.isPaused()));
  client.pause();
  log('client paused', client.readableFlowing);
  client.pause();
  client.resume();
  client.pause();
  log('client resume then pause', client.readableFlowing, client.isPaused());
  client.on('connect', () => {
    client.write('one');
    client.on('data', (d) => {
      log('client data', d.toString());
      client.end('two');
    });
    client.resume();
  });
  client.on('close', () => log('client close'));
})();
