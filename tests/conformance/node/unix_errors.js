'use strict';
// Unix socket errors: connecting to a missing path (ENOENT), listening on a
// path a live server holds (EADDRINUSE), listening in a missing directory.
// Not compared: err.port, which Node sets to -1 for Unix paths (a libuv
// artefact); trionet leaves it None.
const net = require('net');
const { once } = require('events');
const { log, tmpPath } = require('./_trace');

const show = (label, e) => log(label, e.code, e.syscall, e.address, e.message);

(async () => {
  const missing = net.connect(tmpPath('missing.sock'));
  const [e1] = await once(missing, 'error').catch((e) => [e]);
  show('connect missing', e1);
  const first = net.createServer();
  first.listen(tmpPath('taken.sock'));
  await once(first, 'listening');
  const second = net.createServer();
  second.listen(tmpPath('taken.sock'));
  const [e2] = await once(second, 'error').catch((e) => [e]);
  show('listen taken', e2);
  first.close();
  const third = net.createServer();
  third.listen(tmpPath('no/such/dir.sock'));
  const [e3] = await once(third, 'error').catch((e) => [e]);
  show('listen in missing dir', e3);
})();
