'use strict';
// autoSelectFamily false: the custom lookup is asked for one address (no
// `all`), only that address is tried, and when it refuses the error is that
// connect's own ECONNREFUSED even though the next family would have worked;
// autoSelectFamilyAttemptedAddresses stays undefined. The server listens on
// 127.0.0.1 only; the lookup answers ::1 first.
const net = require('net');
const { log, trace } = require('./_trace');

const server = net.createServer((c) => c.end('v4'));
server.listen(0, '127.0.0.1', () => {
  const port = server.address().port;
  const lookup = (host, options, cb) => {
    log('lookup called', host, options);
    const all = [{ address: '::1', family: 6 }, { address: '127.0.0.1', family: 4 }];
    setImmediate(() => (options.all ? cb(null, all) : cb(null, '::1', 6)));
  };
  const s = net.connect({ port, host: 'dual.test', lookup, autoSelectFamily: false });
  trace(s, 'client', 'lookup', 'connect', 'data');
  s.on('error', (e) => log('client error', e.code, e.syscall, e.address, e.message.replace(`:${port}`, ':PORT')));
  s.on('close', (hadError) => {
    log('client close', hadError, s.autoSelectFamilyAttemptedAddresses);
    server.close();
  });
});
