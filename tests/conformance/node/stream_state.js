'use strict';
// The stream state a Node socket shows at each stage: closed, errored,
// readableAborted, readableEncoding, readable/writableObjectMode and
// writableNeedDrain; and destroySoon() (end, then destroy at 'finish').
const net = require('net');
const { once } = require('events');
const { log, grouped, sinkServer } = require('./_trace');

function show(tag, s) {
  log(tag, {
    closed: s.closed,
    errored: s.errored ? s.errored.code : null,
    aborted: s.readableAborted,
    encoding: s.readableEncoding,
    objectMode: [s.readableObjectMode, s.writableObjectMode],
    needDrain: s.writableNeedDrain,
    destroyed: s.destroyed,
  });
}

grouped();
(async () => {
  const server = net.createServer((c) => {
    show('server connection', c);
    c.setEncoding('utf8');
    show('server encoding set', c);
    let first = true;
    c.on('data', () => {
      if (first) show('server data', c);
      first = false;
    });
    c.on('end', () => {
      show('server end', c);
      c.destroySoon();
      show('server destroySoon', c);
    });
    c.on('finish', () => show('server finish', c));
    c.on('close', () => {
      show('server close', c);
      server.close();
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const sink = await sinkServer();

  const client = net.connect(server.address().port, '127.0.0.1');
  show('client new', client);
  client.on('connect', () => {
    show('client connect', client);
    client.end('hi');
  });
  client.on('end', () => show('client end', client));
  client.on('close', () => show('client close', client));

  let open = 2;
  const done = () => { if (--open === 0) sink.close(); };
  const t = net.connect(sink.address().port, '127.0.0.1');
  t.on('connect', () => {
    const err = new Error('boom');
    err.code = 'EBOOM';
    t.destroy(err);
    show('t destroyed with an error', t);
  });
  t.on('error', () => show('t error', t));
  t.on('close', () => { show('t close', t); done(); });
  const u = net.connect(sink.address().port, '127.0.0.1');
  u.on('connect', () => {
    u.destroy();
    show('u destroyed', u);
  });
  u.on('close', () => { show('u close', u); done(); });
})();
