"""Micro-benchmark: one ``emit('data', b'x')`` with sync listeners, trionet vs pyee.

Run from the repository root (pyee is optional, only for the comparison)::

    pip install pyee
    python bench/bench_emit.py

Prints ns per emit, best of ``--repeat`` runs of ``--number`` emits each, calling the
bound ``emit`` directly (no lambda wrapper). "mini" is the research note's reference
design (a dict of tuples with a 1-listener fast path, no validation, no async hook):
the floor a full-featured emitter can hope to reach.
"""

from __future__ import annotations

import argparse
import platform
import timeit
from collections.abc import Callable
from importlib.metadata import PackageNotFoundError, version

from trionet._events import EventEmitter


class Mini:
    __slots__ = ("_listeners",)

    def __init__(self) -> None:
        self._listeners: dict[str, tuple[Callable[..., object], ...]] = {}

    def on(self, event: str, fn: Callable[..., object]) -> Mini:
        self._listeners[event] = (*self._listeners.get(event, ()), fn)
        return self

    def emit(self, event: str, *args: object) -> bool:
        ls = self._listeners.get(event)
        if not ls:
            return False
        if len(ls) == 1:
            ls[0](*args)
            return True
        for fn in ls:
            fn(*args)
        return True


def listener(chunk: object) -> None:
    pass


def bench(label: str, emit: Callable[..., object], number: int, repeat: int) -> float:
    t = min(timeit.repeat("e('data', b'x')", globals={"e": emit}, number=number, repeat=repeat))
    ns = t / number * 1e9
    print(f"{label:<44} {ns:8.1f} ns/emit")
    return ns


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--number", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=7)
    opts = parser.parse_args()
    n, r = opts.number, opts.repeat

    def pkg(name: str) -> str:
        try:
            return version(name)
        except PackageNotFoundError:
            return "absent"

    print(
        f"python {platform.python_version()} ({platform.python_implementation()}), "
        f"trio {pkg('trio')}, pyee {pkg('pyee')}, {platform.machine()}; "
        f"best of {r} x {n:,}"
    )
    t = min(timeit.repeat("f(b'x')", globals={"f": listener}, number=n, repeat=r))
    label = 'direct call listener(b"x")'
    print(f"{label:<44} {t / n * 1e9:8.1f} ns/call")

    try:
        import pyee
    except ImportError:
        pyee = None  # type: ignore[assignment]
        print("pyee not installed: `pip install pyee` for the comparison")

    for count in (1, 0, 3):
        ours, mini = EventEmitter(), Mini()
        fns = [listener] if count == 1 else [(lambda c: None) for _ in range(count)]
        for fn in fns:
            ours.on("data", fn)
            mini.on("data", fn)
        bench(f"trionet EventEmitter, {count} listener(s)", ours.emit, n, r)
        if pyee is not None:
            theirs = pyee.EventEmitter()
            for fn in fns:
                theirs.on("data", fn)
            bench(f"pyee.EventEmitter, {count} listener(s)", theirs.emit, n, r)
        bench(f"mini (research note), {count} listener(s)", mini.emit, n, r)


if __name__ == "__main__":
    main()
