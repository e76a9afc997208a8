'use strict';
// connect() option types checked at the call: lookup must be a function;
// autoSelectFamily a boolean; autoSelectFamilyAttemptTimeout a positive
// number (0 and negative values are out of range, 1 to 9 are accepted).
const net = require('net');
const _trace = require('./_trace');

// trionet's messages name its own (snake_case) keys, a documented naming
// difference: Node's messages are printed with the key in snake_case.
function attempt(label, fn) {
  _trace.attempt(label, () => {
    try {
      return fn();
    } catch (e) {
      e.message = e.message
        .replace('autoSelectFamilyAttemptTimeout', 'auto_select_family_attempt_timeout')
        .replace('autoSelectFamily', 'auto_select_family');
      throw e;
    }
  });
}

for (const [label, lookup] of [["'foobar'", 'foobar'], ['1', 1], ['{}', {}], ['[]', []]]) {
  attempt('lookup: ' + label, () => net.connect({ host: 'localhost', port: 9, lookup }));
}
attempt("autoSelectFamily: 'INVALID'", () => net.connect({ port: 9, autoSelectFamily: 'INVALID' }));
attempt('autoSelectFamily: 1', () => net.connect({ port: 9, autoSelectFamily: 1 }));
for (const timeout of [-10, 0]) {
  attempt('autoSelectFamilyAttemptTimeout: ' + timeout,
          () => net.connect({ port: 9, autoSelectFamily: true, autoSelectFamilyAttemptTimeout: timeout }));
}
attempt("autoSelectFamilyAttemptTimeout: '5'",
        () => net.connect({ port: 9, autoSelectFamilyAttemptTimeout: '5' }));
for (const timeout of [1, 9]) {
  attempt('autoSelectFamilyAttemptTimeout: ' + timeout, () => {
    net.connect({ port: 9, host: '127.0.0.1', autoSelectFamilyAttemptTimeout: timeout })
      .on('error', () => {})
      .destroy();
  });
}
