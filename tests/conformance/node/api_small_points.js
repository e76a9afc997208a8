'use strict';
// Small API points: a new Socket's state (readyState 'open', pending, no
// bufferSize: there is no handle yet); socket.server (the accepting Server on
// an accepted socket, null on a client); bufferSize is undefined (printed
// null) once the handle is gone, and pending is true again after 'close';
// server.close() with a non-function argument ignores it and closes;
// listen({fd: -1}) and a non-number localPort raise Node's codes.
const net = require('net');
const { log, attempt } = require('./_trace');

const u = new net.Socket();
log('new', u.readyState, u.pending, u.connecting, u.destroyed, u.bufferSize, u.server,
  u.bytesRead, u.bytesWritten);
// Only the codes: trionet's messages name the snake_case option.
function code(label, fn) {
  try {
    fn();
    log(label, 'no error');
  } catch (e) {
    log(label, e.code);
  }
}
code('listen fd -1', () => net.createServer().listen({ fd: -1 }));
code('localPort foobar', () => net.connect({ port: 1, host: '127.0.0.1', localPort: 'foobar' }));

let accepted;
const conn = new Promise((resolve) => { accepted = resolve; });
const server = net.createServer(accepted);
server.on('close', () => log('server close event'));
server.listen(0, '127.0.0.1', async () => {
  const s = net.connect(server.address().port, '127.0.0.1');
  log('client connecting', s.readyState, s.pending, s.bufferSize, s.server);
  const connected = new Promise((resolve) => s.on('connect', resolve));
  const c = await conn;
  await connected;
  log('client connected', s.readyState, s.pending, s.bufferSize, s.server);
  log('server socket', c.server === server, c.readyState, c.pending, c.bufferSize);
  const closed = [s, c].map((x) => new Promise((resolve) => x.on('close', resolve)));
  s.resume();
  c.resume();
  s.end();
  await Promise.all(closed);
  log('client closed', s.readyState, s.pending, s.bufferSize, s.destroyed);
  log('server socket closed', c.readyState, c.pending, c.bufferSize, c.destroyed);
  attempt('server close 42', () => server.close(42));
  log('server listening', server.listening);
});
