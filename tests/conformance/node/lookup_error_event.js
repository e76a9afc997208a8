'use strict';
// A host name the resolver rejects without asking the network (a label of
// 64 characters, over DNS's 63): 'lookup' is emitted with the error and no
// address or family, then 'error' ENOTFOUND (syscall getaddrinfo, hostname
// set, no port or host property), then 'close' true; the connect callback
// never runs. end() right after connect() changes none of that.
const net = require('net');
const { log, trace } = require('./_trace');

const host = 'x'.repeat(64);
function errorLine(tag, e) {
  log(tag + ' error', e.code, e.syscall, e.hostname === host, 'port' in e, 'host' in e, e.message === 'getaddrinfo ENOTFOUND ' + host);
}
const s = net.connect(42, host, () => log('plain unexpected connect'));
s.on('lookup', (err, address, family, h) => log('plain lookup', err && err.code, address, family, h === host));
s.on('error', (e) => errorLine('plain', e));
trace(s, 'plain', 'close');
s.on('close', () => {
  const t = net.connect({ port: 42, host }, () => log('ended unexpected connect'));
  t.on('error', (e) => errorLine('ended', e));
  trace(t, 'ended', 'finish', 'close');
  t.end();
});
