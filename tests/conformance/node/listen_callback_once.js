'use strict';
// The listen() callback is a once('listening') listener: after a listen
// error it stays registered and runs on the next successful listen(), before
// that call's own callback; after close() a new listen() runs only its own
// callback. A second listen() while listening throws and adds nothing.
const net = require('net');
const { log, attempt } = require('./_trace');

(async () => {
  const taken = net.createServer();
  taken.listen(0, '127.0.0.1');
  await new Promise((r) => taken.once('listening', r));

  const s = net.createServer();
  s.listen(taken.address().port, '127.0.0.1', () => log('cb1 (failed listen)'));
  log('listening listeners after listen', s.listenerCount('listening'));
  const [err] = await new Promise((r) => s.once('error', (...a) => r(a)));
  log('error', err.code, 'listening listeners', s.listenerCount('listening'), s.listening);
  s.listen(0, '127.0.0.1', () => log('cb2'));
  log('listening listeners after second listen', s.listenerCount('listening'));
  await new Promise((r) => s.once('listening', r));
  log('listening', s.listening, 'listeners left', s.listenerCount('listening'));
  attempt('listen again while listening', () => s.listen(0, '127.0.0.1', () => log('cb never')));
  log('listeners after throw', s.listenerCount('listening'));
  s.close();
  taken.close();
  await new Promise((r) => s.once('close', r));

  s.listen(0, '127.0.0.1', () => {
    log('cb3');
    s.close(() => {
      log('closed; listeners', s.listenerCount('listening'));
      s.listen(0, '127.0.0.1', () => {
        log('cb4');
        s.close();
      });
    });
  });
})();
