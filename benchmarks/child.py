"""Run one function in a fresh Python process and get its result back.

A notebook's peak memory is measured in a process of its own, and each Keras backend needs a
process of its own (Keras reads ``KERAS_BACKEND`` once, when it is first imported). The fresh
process is started with :mod:`multiprocessing`'s "spawn" method, so it imports nothing the
parent had imported; ``env`` is applied before the function runs.
"""

from __future__ import annotations

import multiprocessing
import os
import traceback
from collections.abc import Callable, Mapping
from typing import Any


class ChildError(RuntimeError):
    """The function raised in the child process, or the process died or ran out of time.

    ``str(error)`` is one line; ``error.detail`` holds the child's traceback, when there is one.
    """

    def __init__(self, message: str, detail: str = "") -> None:
        super().__init__(message)
        self.detail = detail


def _main(conn: Any, func: Callable[..., Any], args: tuple, env: Mapping[str, str | None]) -> None:
    for key, value in env.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value
    try:
        conn.send(("ok", func(*args)))
    except BaseException as exc:  # everything goes back to the parent, as text
        lines = traceback.format_exception(exc)
        conn.send(("error", f"{type(exc).__name__}: {exc}", "".join(lines)[-4000:]))
    finally:
        conn.close()


def in_child(
    func: Callable[..., Any],
    *args: Any,
    env: Mapping[str, str | None] | None = None,
    timeout: float | None = None,
) -> Any:
    """``func(*args)`` in a fresh process with ``env`` set (a None value unsets the variable).

    ``func`` must be importable by name (a module-level function) and its result picklable.
    Raises :class:`ChildError` with the child's error message when it fails.
    """
    ctx = multiprocessing.get_context("spawn")
    receive, send = ctx.Pipe(duplex=False)
    process = ctx.Process(target=_main, args=(send, func, args, dict(env or {})))
    process.start()
    send.close()
    try:
        if not receive.poll(timeout):
            process.kill()
            raise ChildError(f"no result within {timeout:g} s")
        try:
            reply = receive.recv()
        except EOFError:
            process.join()
            raise ChildError(f"the process died (exit code {process.exitcode})") from None
    finally:
        process.join()
        receive.close()
    if reply[0] == "error":
        raise ChildError(reply[1], reply[2])
    return reply[1]
