"""trionet: Node.js's ``net`` module (TCP and IPC servers and sockets) on trio.

Node's names, events and semantics, run under structured concurrency: every
handle lives in a trionet loop (``trionet.run(main)`` or
``async with trionet.open_loop():``), every task in a nursery.
"""

from ._addresses import is_ip as is_ip
from ._addresses import is_ipv4 as is_ipv4
from ._addresses import is_ipv6 as is_ipv6
from ._errors import NetError as NetError
from ._errors import NodeError as NodeError
from ._errors import NodeRangeError as NodeRangeError
from ._errors import NodeTypeError as NodeTypeError
from ._events import EventEmitter as EventEmitter
from ._events import MaxListenersExceededWarning as MaxListenersExceededWarning
from ._events import on as on
from ._events import once as once
from ._loop import open_loop as open_loop
from ._loop import run as run
from ._server import Server as Server
from ._server import create_server as create_server
from ._socket import Socket as Socket
from ._socket import connect as connect
from ._socket import create_connection as create_connection
from ._trio_stream import SocketStream as SocketStream

__version__ = "0.1.0"

__all__ = [
    "EventEmitter",
    "MaxListenersExceededWarning",
    "NetError",
    "NodeError",
    "NodeRangeError",
    "NodeTypeError",
    "Server",
    "Socket",
    "SocketStream",
    "connect",
    "create_connection",
    "create_server",
    "is_ip",
    "is_ipv4",
    "is_ipv6",
    "on",
    "once",
    "open_loop",
    "run",
]
