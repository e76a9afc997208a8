'use strict';
// pipe() into destinations that are plain emitters with write()/end(), which
// is all Node's pipe() needs: which listeners it adds to the destination and
// when ('drain' only once a write() returned false); the source resumes only
// when every destination it waits on has drained; the destination's 'finish'
// or 'close' unpipes it (the source pauses when no pipe is left); unpipe()
// with no argument unpipes all; an 'error' on the destination unpipes and is
// thrown again if nothing else listens; end:false unpipes at the source's
// 'end'; a destination that needs a drain pauses the source at once; piping
// a source that has ended ends the destination, after pipe() returns.
const net = require('net');
const { EventEmitter, once } = require('events');
const { log, acceptedPair } = require('./_trace');

const NAMES = ['close', 'drain', 'error', 'finish', 'unpipe'];
class Fake extends EventEmitter {
  constructor(name) {
    super();
    this.name = name;
    this.ret = true;
  }

  write(chunk) {
    log(this.name + ' write', chunk.toString(), 'returns', this.ret);
    this.emit('wrote');
    return this.ret;
  }

  end() {
    log(this.name + ' end called');
    this.emit('ended');
  }

  counts() {
    return NAMES.map((n) => this.listenerCount(n));
  }
}

(async () => {
  const [server, client, src] = await acceptedPair();
  const base = [src.listenerCount('data'), src.listenerCount('end')];
  const srcDelta = () => [src.listenerCount('data') - base[0], src.listenerCount('end') - base[1]];

  // Listeners, the 'pipe' event, and waiting on every destination's 'drain'.
  const a = new Fake('a');
  const b = new Fake('b');
  a.on('pipe', (s) => log('a pipe event', s === src, a.counts()));
  src.pipe(a);
  log('a piped', a.counts(), 'src', srcDelta(), 'paused', src.isPaused());
  src.pipe(b);
  log('b piped', b.counts(), 'src', srcDelta());
  a.ret = false;
  b.ret = false;
  client.write('x');
  await once(b, 'wrote');
  log('both writes false: paused', src.isPaused(), 'drain listeners', a.listenerCount('drain'),
      b.listenerCount('drain'));
  a.ret = true;
  b.ret = true;
  a.emit('drain');
  log('a drained: paused', src.isPaused());
  b.emit('drain');
  log('b drained: paused', src.isPaused());

  // 'finish' and 'close' on the destination unpipe it.
  b.on('unpipe', (s) => log('b unpipe event', s === src, b.counts()));
  b.emit('finish');
  log('b finished: paused', src.isPaused(), 'src', srcDelta());
  a.on('unpipe', (s) => log('a unpipe event', s === src, a.counts()));
  a.emit('close');
  log('a closed: paused', src.isPaused(), 'src', srcDelta(), 'flowing', src.readableFlowing);

  // unpipe() with no argument.
  const h1 = new Fake('h1');
  const h2 = new Fake('h2');
  h1.on('unpipe', () => log('h1 unpipe event', h1.counts()));
  h2.on('unpipe', () => log('h2 unpipe event', h2.counts()));
  src.pipe(h1);
  src.pipe(h2);
  log('h piped: paused', src.isPaused(), 'src', srcDelta());
  src.unpipe();
  log('h unpiped: paused', src.isPaused(), 'src', srcDelta());

  // 'error' on the destination.
  const f = new Fake('f');
  f.on('error', (e) => log('f error listener', e.message, f.counts()));
  f.on('unpipe', () => log('f unpipe event'));
  src.pipe(f);
  f.emit('error', new Error('boom'));
  log('f errored: paused', src.isPaused(), 'src', srcDelta());
  const g = new Fake('g');
  g.on('unpipe', () => log('g unpipe event'));
  src.pipe(g);
  const err = new Error('bang');
  try {
    g.emit('error', err);
    log('g emit returned');
  } catch (e) {
    log('g emit threw', e === err, g.counts());
  }

  // A destination that already needs a drain pauses the source at once.
  const e = new Fake('e');
  e.writableNeedDrain = true;
  src.pipe(e);
  log('e piped: paused', src.isPaused(), 'drain listeners', e.listenerCount('drain'));
  e.writableNeedDrain = false;
  e.emit('drain');
  log('e drained: paused', src.isPaused());
  src.unpipe(e);

  // The same destination twice: one 'drain' (or one unpipe) ends the wait of both.
  const k = new Fake('k');
  k.ret = false;
  src.pipe(k);
  src.pipe(k);
  client.write('w');
  await once(k, 'wrote');
  log('k piped twice, writes false: paused', src.isPaused(), 'drain listeners', k.listenerCount('drain'));
  k.ret = true;
  src.unpipe(k);
  log('k unpiped once: paused', src.isPaused(), 'src', srcDelta(), k.counts());
  src.unpipe(k);

  // unpipe() inside the write() that returns false: the 'drain' listener stays,
  // and the destination's 'drain' resumes the source.
  const m = new Fake('m');
  m.write = function (chunk) {
    log('m write', chunk.toString(), 'unpipes');
    src.unpipe(this);
    this.emit('wrote');
    return false;
  };
  src.pipe(m);
  client.write('v');
  await once(m, 'wrote');
  log('m unpiped in write: paused', src.isPaused(), m.counts());
  m.emit('drain');
  log('m drained: paused', src.isPaused(), 'flowing', src.readableFlowing);
  src.pause();

  // Only a literal false leaves the destination open.
  for (const [name, opts] of [['n1', null], ['n2', { end: undefined }], ['n3', { end: 0 }]]) {
    const n = new Fake(name);
    src.pipe(n, opts);
    log(name + ' piped with', opts === null ? 'null' : 'a non-false end');
  }

  // end: false unpipes at the source's 'end' and leaves the destination open.
  const c = new Fake('c');
  c.on('unpipe', (s) => log('c unpipe event', s === src, c.counts()));
  client.write('y');
  src.pipe(c, { end: false });
  await once(c, 'wrote');
  client.end('z');
  await once(c, 'unpipe');
  log('c unpiped: src', srcDelta());

  // Piping a source that has ended ends the destination later.
  const d = new Fake('d');
  src.pipe(d);
  log('d piped');
  await once(d, 'ended');
  log('d ended: src ended', src.readableEnded);
  server.close();
})();
