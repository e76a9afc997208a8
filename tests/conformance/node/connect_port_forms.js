'use strict';
// The forms a connect() port may take. A number, a decimal string and a hex
// string ('0x...') all connect, as a positional port and as options.port.
// Port 0 is accepted at the call and fails when connecting. Thrown at the
// call: '', ' ', NaN, Infinity (ERR_SOCKET_BAD_PORT; '0x' and '-0x1' in
// options, where no path can be meant), true, false, [] and {}
// (ERR_INVALID_ARG_TYPE), and no port at all (ERR_MISSING_ARGS, also from
// new Socket().connect()). Only the codes: trionet's messages render Python
// values. The connect error for port 0 has no port and its message none.
// (null is not compared: Python's None is undefined.)
const net = require('net');
const { once } = require('events');
const { log } = require('./_trace');

function code(label, fn) {
  try {
    const s = fn();
    log(label, 'no error');
    s.on('error', () => {});
    s.destroy();
  } catch (e) {
    log(label, e.code);
  }
}

const BAD = [['empty', ''], ['space', ' '], ['NaN', NaN], ['Infinity', Infinity],
  ['true', true], ['false', false]];
const BAD_OPTIONS = [['0x', '0x'], ['-0x1', '-0x1'], ['array', []], ['object', {}]];
for (const [tag, p] of BAD) {
  code(`connect(${tag})`, () => net.connect(p, '127.0.0.1'));
}
for (const [tag, p] of [...BAD, ...BAD_OPTIONS]) {
  code(`connect({port: ${tag}})`, () => net.connect({ port: p, host: '127.0.0.1' }));
}
code('new Socket().connect()', () => new net.Socket().connect());
code('new Socket().connect({})', () => new net.Socket().connect({}));

(async () => {
  const server = net.createServer((c) => c.end());
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = server.address().port;
  const forms = [
    ['number', port],
    ['decimal string', String(port)],
    ['hex string', '0x' + port.toString(16)],
  ];
  for (const [tag, p] of forms) {
    for (const [how, connect] of [['positional', () => net.connect(p, '127.0.0.1')],
                                  ['options', () => net.connect({ port: p, host: '127.0.0.1' })]]) {
      const s = connect();
      s.resume();
      s.on('connect', () => log(`${tag} ${how} connected`, s.remotePort === port));
      s.on('error', (e) => log(`${tag} ${how} error`, e.code));
      await new Promise((resolve) => s.on('close', resolve));
    }
  }
  server.close();
  const zero = net.connect(0, '127.0.0.1');
  const err = await new Promise((resolve) => zero.on('error', resolve));
  log('port 0 error', err.code, err.syscall, err.port, err.message);
})();
