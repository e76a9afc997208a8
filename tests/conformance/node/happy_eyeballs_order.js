'use strict';
// Happy Eyeballs with a custom lookup that answers several addresses: they
// are tried in the lookup's order with the families interleaved (starting
// with the first answer's family), the first that connects wins and no
// later address is tried; autoSelectFamilyAttemptedAddresses lists what was
// tried. Both 127.0.0.1 and ::1 listen on the same port (the IPv4 and the
// IPv6 server say which one answered); 127.0.0.2 and 127.0.0.3 refuse.
// When every address refuses: one 'error' whose code is the first error's,
// with every attempt's error in .errors (the aggregate message itself is a
// documented difference and not printed).
const net = require('net');
const { once } = require('events');
const { log } = require('./_trace');

const CASES = [
  ['v4 first', ['127.0.0.1', '::1']],
  ['v6 first', ['::1', '127.0.0.1']],
  ['one family', ['127.0.0.2', '127.0.0.3', '127.0.0.1']],
  ['interleaved', ['127.0.0.2', '127.0.0.3', '127.0.0.1', '::1']],
  ['all refused', ['127.0.0.2', '127.0.0.3']],
];

function listen(host, port) {
  const server = net.createServer((c) => c.end(host));
  server.listen(port, host);
  return once(server, 'listening').then(() => server);
}

(async () => {
  const v4 = await listen('127.0.0.1', 0);
  const port = v4.address().port;
  const v6 = await listen('::1', port);
  const strip = (list) => list && list.map((a) => a.replace(`:${port}`, ':PORT'));
  for (const [tag, addresses] of CASES) {
    const lookup = (host, options, cb) => {
      const all = addresses.map((address) => ({ address, family: net.isIP(address) }));
      setImmediate(() => cb(null, all));
    };
    const s = net.connect({ port, host: 'multi.test', lookup });
    s.setEncoding('utf8');
    s.on('data', (d) => log(tag + ' answered by', d));
    s.on('error', (e) => log(tag + ' error', e.code, e.errors.map((x) => x.message.replace(`:${port}`, ':PORT'))));
    await new Promise((resolve) => s.on('close', resolve));
    log(tag + ' attempted', strip(s.autoSelectFamilyAttemptedAddresses));
  }
  v4.close();
  v6.close();
})();
