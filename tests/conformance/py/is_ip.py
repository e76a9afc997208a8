# is_ip / is_ipv4 / is_ipv6 over a table of inputs (strings and non-strings).
from _trace import log

import trionet

inputs = [
    *("127.0.0.1", "0.0.0.0", "255.255.255.255", "256.0.0.1", "1.2.3", "01.2.3.4"),
    *("1.2.3.4 ", " 1.2.3.4", "::", "::1", "1::", "fe80::1%eth0", "fe80::1%1"),
    *("::ffff:127.0.0.1", "2001:db8::1", "2001:db8:0:0:0:0:0:1", "2001:db8::1::1"),
    *("1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:1.2.3.4", "gggg::1"),
    *("[::1]", "localhost", "example.com", "", "0", "1e3", "x127.0.0.1"),
    *("0000:0000:0000:0000:0000:0000:0000:0001", "::ffff:256.0.0.1", ":", ":::"),
]
for value in inputs:
    log("isIP", value, trionet.is_ip(value), trionet.is_ipv4(value), trionet.is_ipv6(value))
for label, other in (("42", 42), ("undefined", None), ("true", True)):
    log("isIP " + label, trionet.is_ip(other), trionet.is_ipv4(other), trionet.is_ipv6(other))
log("exit")  # no trionet loop is needed: print Node's process 'exit' ourselves
