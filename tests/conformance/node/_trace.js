'use strict';
// Shared helper for the Node side of the conformance scenarios.
// Every scenario prints one line per event through log(); values are
// normalised (ports -> PORT, the scratch directory -> TMP) so the trace can
// be compared byte for byte with the trionet twin in ../py/.
const fs = require('fs');
const os = require('os');
const path = require('path');

const tmpdir = fs.mkdtempSync(path.join(os.tmpdir(), 'tnc-'));

function norm(text) {
  return String(text).split(tmpdir).join('TMP');
}

function normMessage(message) {
  // System errors end with "host:port"; the port is not deterministic.
  return norm(message).replace(/:\d+$/, ':PORT');
}

const PORT_KEYS = new Set(['port', 'localPort', 'remotePort']);

function fmt(v) {
  if (v === undefined || v === null) return 'null';
  if (typeof v === 'boolean' || typeof v === 'number') return String(v);
  if (typeof v === 'string') return JSON.stringify(norm(v));
  if (Buffer.isBuffer(v)) return 'buf:' + JSON.stringify(v.toString('latin1'));
  if (v instanceof Error) return fmtError(v);
  if (Array.isArray(v)) return '[' + v.map(fmt).join(',') + ']';
  if (typeof v === 'object') {
    return '{' + Object.keys(v).map((k) => {
      const val = PORT_KEYS.has(k) && typeof v[k] === 'number' && v[k] > 0 ? 'PORT' : fmt(v[k]);
      return k + ':' + val;
    }).join(',') + '}';
  }
  return '?' + typeof v;
}

function fmtError(e) {
  const parts = ['Error', 'code=' + fmt(e.code)];
  if (e.syscall !== undefined) parts.push('syscall=' + fmt(e.syscall));
  if (e.address !== undefined) parts.push('address=' + fmt(e.address));
  if (e.port !== undefined) parts.push('port=' + (e.port > 0 ? 'PORT' : fmt(e.port)));
  parts.push('message=' + JSON.stringify(normMessage(e.message)));
  return '<' + parts.join(' ') + '>';
}

// grouped(): lines are buffered per tag (the label's first word) and printed
// at exit, tag by tag in sorted order, so that only the order of events
// *within* one emitter is compared, not the (racy) interleaving of two sockets
// (nor which of them logged first).
let groups = null;

function grouped() {
  groups = new Map();
}

function log(label, ...values) {
  const line = [label, ...values.map(fmt)].join(' ');
  if (groups === null) {
    console.log(line);
    return;
  }
  const tag = label.split(' ')[0];
  if (!groups.has(tag)) groups.set(tag, []);
  groups.get(tag).push(line);
}

// Print what a synchronous call throws (or 'ok').
function attempt(label, fn) {
  try {
    const r = fn();
    log(label, 'ok', typeof r === 'boolean' ? r : null);
  } catch (e) {
    log(label, e);
  }
}

function tmpPath(name) {
  return path.join(tmpdir, name);
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// Record events of an emitter: "<tag> <event> <args...>".
function trace(emitter, tag, ...events) {
  for (const name of events) {
    emitter.on(name, (...args) => log(tag + ' ' + name, ...args));
  }
}

// Join 'data' and print it once at 'end' (chunking is timing-dependent).
function collect(socket, tag) {
  const chunks = [];
  socket.on('data', (d) => chunks.push(d));
  socket.on('end', () => {
    const joined = chunks.length && typeof chunks[0] === 'string'
      ? chunks.join('') : Buffer.concat(chunks.map((c) => Buffer.from(c)));
    log(tag + ' data', joined);
  });
  return chunks;
}

// A port where nothing listens.
// A listening server that reads and drops everything (errors ignored).
async function sinkServer() {
  const net = require('net');
  const sink = net.createServer((c) => {
    c.resume();
    c.on('error', () => {});
  });
  sink.listen(0, '127.0.0.1');
  await require('events').once(sink, 'listening');
  return sink;
}

// A listening server, a client connecting to it, and the socket it accepted.
async function acceptedPair() {
  const net = require('net');
  const { once } = require('events');
  const server = net.createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const client = net.connect(server.address().port, '127.0.0.1');
  const [accepted] = await once(server, 'connection');
  return [server, client, accepted];
}

function freePort() {
  return new Promise((resolve) => {
    const s = require('net').createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

process.on('exit', () => {
  if (groups !== null) {
    for (const tag of [...groups.keys()].sort()) for (const line of groups.get(tag)) console.log(line);
    groups = null;
  }
  log('exit');
  fs.rmSync(tmpdir, { recursive: true, force: true });
});

module.exports = {
  log, grouped, fmt, attempt, tmpPath, sleep, trace, collect, freePort, norm, sinkServer, acceptedPair,
};
