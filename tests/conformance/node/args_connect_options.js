'use strict';
// connect() with options that have no usable port: an empty object is
// "missing args", a boolean port is a type error naming number then string.
const net = require('net');
const { attempt } = require('./_trace');

attempt('connect({})', () => net.connect({}));
attempt('connect({port: true})', () => net.connect({ port: true }));
// trionet renders None as JS undefined (documented), so None is undefined here.
attempt('connect({port: undefined})', () => net.connect({ port: undefined }));
