'use strict';
// 'drain' comes before the callbacks of the writes that emptied the queue
// (Node's afterWrite), and not after destroy(): a 4 MiB write whose callback
// destroys the socket, and a write uncorked in one piece (writableNeedDrain
// stays true until the tick that emits 'drain').
const net = require('net');
const { once } = require('events');
const { log, grouped } = require('./_trace');

grouped();
(async () => {
  let count = 0;
  const server = net.createServer({ pauseOnConnect: true }, (c) => {
    const tag = count++ === 0 ? 'sbig' : 'scork';
    let got = 0;
    c.on('data', (d) => { got += d.length; });
    c.on('end', () => {
      log(tag + ' end', got);
      c.end();
    });
    c.resume();
    if (count === 2) server.close();
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');

  const big = net.connect(server.address().port, '127.0.0.1');
  const st = (s, label) => log(label, s.writableNeedDrain, s.writable, s.destroyed);
  for (const ev of ['drain', 'finish', 'close']) big.on(ev, () => st(big, 'big ' + ev));
  await once(big, 'connect');
  const r = big.write(Buffer.alloc(4 * 1024 * 1024, 'x'), (e) => {
    st(big, 'big write callback ' + e);
    big.destroy();
    st(big, 'big destroyed in the callback');
  });
  st(big, 'big write returned ' + r);
  await once(big, 'close');

  const corked = net.connect(server.address().port, '127.0.0.1');
  for (const ev of ['drain', 'finish', 'close']) corked.on(ev, () => st(corked, 'corked ' + ev));
  await once(corked, 'connect');
  corked.cork();
  const r2 = corked.write(Buffer.alloc(20000, 'x'), (e) => st(corked, 'corked write callback ' + e));
  st(corked, 'corked write returned ' + r2);
  corked.uncork();
  st(corked, 'corked uncorked');
  corked.on('drain', () => corked.end());
})();
