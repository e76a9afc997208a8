'use strict';
// isIP / isIPv4 / isIPv6 over a table of inputs (strings and non-strings).
const net = require('net');
const { log } = require('./_trace');

const inputs = [
  '127.0.0.1', '0.0.0.0', '255.255.255.255', '256.0.0.1', '1.2.3', '01.2.3.4',
  '1.2.3.4 ', ' 1.2.3.4', '::', '::1', '1::', 'fe80::1%eth0', 'fe80::1%1',
  '::ffff:127.0.0.1', '2001:db8::1', '2001:db8:0:0:0:0:0:1', '2001:db8::1::1',
  '1:2:3:4:5:6:7:8', '1:2:3:4:5:6:7:8:9', '1:2:3:4:5:6:1.2.3.4', 'gggg::1',
  '[::1]', 'localhost', 'example.com', '', '0', '1e3', 'x127.0.0.1',
  '0000:0000:0000:0000:0000:0000:0000:0001', '::ffff:256.0.0.1', ':', ':::',
];
for (const input of inputs) {
  log('isIP', input, net.isIP(input), net.isIPv4(input), net.isIPv6(input));
}
for (const [label, value] of [['42', 42], ['undefined', undefined], ['true', true]]) {
  log('isIP ' + label, net.isIP(value), net.isIPv4(value), net.isIPv6(value));
}
