'use strict';
// A heartbeat: setTimeout(n) and a 'timeout' listener that writes a ping. The
// write re-arms the idle timer, so 'timeout' fires again and again while the
// peer stays silent; the third one ends the socket. Over TCP, then Unix.
const net = require('net');
const { log, tmpPath } = require('./_trace');

function run(tag, server, args, next) {
  const client = net.connect(...args, () => {
    let count = 0;
    client.setTimeout(40);
    client.on('timeout', () => {
      count += 1;
      log(tag + ' timeout', count, client.readyState);
      if (count < 3) client.write('ping' + count + ';');
      else client.end('bye');
    });
  });
  client.resume();
  client.on('end', () => log(tag + ' end'));
  client.on('close', (hadError) => {
    log(tag + ' close', hadError);
    server.close(next);
  });
}

// The server reads everything and says nothing until the client's FIN.
const silent = (tag) => (c) => {
  const chunks = [];
  c.on('data', (d) => chunks.push(d));
  c.on('end', () => {
    log(tag + ' server got', Buffer.concat(chunks).toString());
    c.end();
  });
};

const tcp = net.createServer(silent('tcp'));
tcp.listen(0, '127.0.0.1', () => {
  run('tcp', tcp, [tcp.address().port, '127.0.0.1'], () => {
    const path = tmpPath('heartbeat.sock');
    const unix = net.createServer(silent('unix'));
    unix.listen(path, () => run('unix', unix, [path], () => log('done')));
  });
});
