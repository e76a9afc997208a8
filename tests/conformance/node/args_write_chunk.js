'use strict';
// write()/end() with something that is not a chunk: Node v20's message
// ("string or an instance of Buffer, TypedArray, or DataView"), and undefined.
const net = require('net');
const { attempt } = require('./_trace');

const s = new net.Socket();
attempt('write(42)', () => s.write(42));
attempt('write({})', () => s.write({}));
// Python's None stands for JS undefined (trionet's documented rendering).
attempt('write(undefined)', () => s.write(undefined));
attempt('end(42)', () => s.end(42));
s.destroy();
