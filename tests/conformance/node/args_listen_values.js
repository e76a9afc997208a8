'use strict';
// More listen() arguments: '0' and undefined pick a free port (as a port
// argument and as options.port; null is not compared: Python's None is
// undefined); NaN, ±Infinity, -1 are bad ports;
// the port is checked before the path; options with neither port nor path,
// or with a port or path of the wrong type, are invalid.
const net = require('net');
const { log, attempt, tmpPath } = require('./_trace');

const fresh = () => net.createServer();
for (const [label, value] of [['NaN', NaN], ['Infinity', Infinity], ['-Infinity', -Infinity]]) {
  attempt('listen(' + label + ')', () => fresh().listen(value));
  attempt('listen({port: ' + label + '})', () => fresh().listen({ port: value }));
}
attempt('listen({port: -1, path})', () => fresh().listen({ port: -1, path: tmpPath('x.sock') }));
attempt('listen({port: false})', () => fresh().listen({ port: false }));
attempt('listen({path: -1})', () => fresh().listen({ path: -1 }));
attempt('listen({})', () => fresh().listen({}));
attempt("listen({host: 'localhost'})", () => fresh().listen({ host: 'localhost' }));
attempt('listen({exclusive: true})', () => fresh().listen({ exclusive: true }));

(async () => {
  for (const [label, args] of [
    ["'0'", ['0']], ['undefined', [undefined]],
    ["{port: '0'}", [{ port: '0' }]], ['{port: undefined}', [{ port: undefined }]],
  ]) {
    const s = fresh();
    await new Promise((resolve) => s.listen(...args, resolve));
    log(label + ' listens on a free port', s.address().port > 0);
    await new Promise((resolve) => s.close(resolve));
  }
})();
