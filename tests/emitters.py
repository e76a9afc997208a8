"""Waiting on trionet events in tests."""

from __future__ import annotations

from typing import Any

import trio

import trionet


async def next_event(emitter: trionet.EventEmitter, name: str) -> tuple[Any, ...]:
    """The args of the next ``name`` event (unlike trionet.once, 'error' is returned,
    not raised)."""
    done = trio.Event()
    got: list[tuple[Any, ...]] = []

    def listener(*args: Any) -> None:
        got.append(args)
        done.set()

    emitter.once(name, listener)
    await done.wait()
    return got[0]
