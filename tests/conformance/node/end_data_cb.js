'use strict';
// end(data, cb): the data is sent before the FIN, the callback runs once
// everything is flushed ('finish'), relative to 'finish' listeners added
// before and after; end() again adds its callback too.
const net = require('net');
const { log, grouped, collect } = require('./_trace');

grouped();
const server = net.createServer((c) => {
  collect(c, 'server');
  c.on('end', () => c.end());
  c.on('close', () => server.close());
});
server.listen(0, '127.0.0.1', () => {
  const client = net.connect(server.address().port, '127.0.0.1');
  client.on('finish', () => log('client finish listener (added before end)'));
  client.write('a');
  const r = client.end('bye', (err) => log('client end cb', err));
  log('client end returned socket', r === client);
  client.on('finish', () => log('client finish listener (added after end)'));
  client.resume();
  client.on('close', () => {
    log('client close');
    client.end((err) => log('client end cb after close', err));
  });
});
