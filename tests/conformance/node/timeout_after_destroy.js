'use strict';
// setTimeout() returns the socket; a timeout set from inside the 'timeout'
// listener after destroy(), or on a socket destroyed before it connected,
// never fires. Fractional delays are valid; infinite, NaN and negative ones
// are out of range; a callback that is not a function is a type error.
const net = require('net');
const { log, attempt, sleep } = require('./_trace');

const probe = new net.Socket();
for (const [label, value] of [['Infinity', Infinity], ['-Infinity', -Infinity], ['NaN', NaN], ['-0.001', -0.001]]) {
  attempt('setTimeout(' + label + ')', () => probe.setTimeout(value));
}
for (const [label, value] of [['1', 1], ["'x'", 'x'], ['true', true]]) {
  attempt('setTimeout(1, ' + label + ')', () => probe.setTimeout(1, value));
}
attempt('setTimeout(0.001)', () => { probe.setTimeout(0.001); });
probe.destroy();

const server = net.createServer((c) => c.resume());
server.listen(0, '127.0.0.1', async () => {
  const never = net.connect(server.address().port, '127.0.0.1');
  never.destroy();
  log('destroyed before connect: setTimeout returns socket', never.setTimeout(1, () => log('never fires')) === never);

  const s = net.connect(server.address().port, '127.0.0.1');
  await new Promise((r) => s.once('connect', r));
  log('setTimeout returns socket', s.setTimeout(20, () => {
    log('timeout callback');
    s.destroy();
    log('after destroy: setTimeout returns socket', s.setTimeout(1, () => log('never fires')) === s);
  }) === s);
  s.on('timeout', () => log('timeout event'));
  s.on('close', () => log('close'));
  await new Promise((r) => s.once('close', r));
  await sleep(100);
  log('done');
  server.close();
});
