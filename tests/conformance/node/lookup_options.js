'use strict';
// A custom lookup: the options Node passes it (family only when 4 or 6, hints
// with ADDRCONFIG when unspecified, all: true when the addresses are raced),
// and one 'lookup' event per address that will be tried, before 'connect'.
const net = require('net');
const { once } = require('events');
const { log, trace } = require('./_trace');

const CASES = [
  ['race', {}],
  ['family4', { family: 4 }],
  ['hints', { hints: 1024, autoSelectFamily: false }],
  ['local', { localAddress: '127.0.0.1' }],
];

(async () => {
  const server = net.createServer((c) => c.end());
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = server.address().port;
  for (const [tag, extra] of CASES) {
    const lookup = (host, options, cb) => {
      log(`${tag} lookup called`, host, options);
      const all = [{ address: '127.0.0.1', family: 4 }, { address: '127.0.0.2', family: 4 }];
      setImmediate(() => (options.all ? cb(null, all) : cb(null, '127.0.0.1', 4)));
    };
    const s = net.connect({ port, host: 'example.test', lookup, ...extra });
    trace(s, tag, 'lookup', 'connect', 'close');
    s.resume();
    await once(s, 'close');
  }
  server.close();
})();
