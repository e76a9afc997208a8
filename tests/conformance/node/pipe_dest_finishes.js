'use strict';
// pipe() between two real sockets when the destination finishes first (the
// user end()s it): its 'finish' unpipes it, 'unpipe' is emitted, the source
// is paused, and what the source reads later is not written to the ended
// destination: it waits for a consumer of the user's own.
const net = require('net');
const { once } = require('events');
const { log, grouped, acceptedPair } = require('./_trace');

grouped();
(async () => {
  let dest;
  const sink = net.createServer((c) => {
    const got = [];
    c.on('data', (d) => {
      got.push(d);
      dest.end();
    });
    c.on('end', () => {
      log('sink got', Buffer.concat(got).toString());
      sink.close();
    });
  });
  sink.listen(0, '127.0.0.1');
  await once(sink, 'listening');
  const [server, client, src] = await acceptedPair();
  dest = net.connect(sink.address().port, '127.0.0.1');
  await once(dest, 'connect');
  dest.on('finish', () => log('dest finish'));
  dest.on('unpipe', (s) => {
    log('dest unpipe', s === src, 'src paused', src.isPaused(), 'flowing', src.readableFlowing);
    client.end('two');
    const got = [];
    src.on('data', (d) => got.push(d));
    src.on('end', () => {
      log('src own data', Buffer.concat(got).toString());
      server.close();
    });
    log('dest unpipe: src flowing after data listener', src.readableFlowing);
    src.resume();
  });
  dest.on('error', (e) => log('dest error', e));
  src.pipe(dest);
  client.write('one');
})();
