"""How wxrtool's processes end: a stop request unwinds cleanly, workers never outlive their parent.

``SIGTERM`` (what ``kill``, systemd and container runtimes send) is handled as
Ctrl-C is: it raises :class:`Stopped`, a :class:`KeyboardInterrupt`, so every
``finally`` and ``except BaseException`` on the way out runs and no half-written
temporary file or folder is left behind. Worker processes ignore both signals
(their parent stops them) and, on Linux, are killed by the kernel the moment
their parent dies, even by ``SIGKILL``, which no handler can see.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
import time
from types import FrameType

_PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>


class Stopped(KeyboardInterrupt):
    """A signal asked the process to stop; ``signum`` says which."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


def _raise_stopped(signum: int, _frame: FrameType | None) -> None:
    raise Stopped(signum)


def stop_on_sigterm() -> None:
    """In a command's main process: make ``SIGTERM`` unwind like Ctrl-C (raise :class:`Stopped`)."""
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _raise_stopped)


def exit_status(interrupt: KeyboardInterrupt) -> int:
    """The shell's status for a process stopped by ``interrupt``: 128 + the signal's number.

    >>> exit_status(KeyboardInterrupt()), exit_status(Stopped(signal.SIGTERM))
    (130, 143)
    """
    return 128 + getattr(interrupt, "signum", signal.SIGINT)


def start_worker(parent: int | None = None) -> None:
    """In a worker process, first thing: leave the signals to the parent, and die with it.

    ``parent``: the parent's id, read by the parent before it started the worker (:func:`os.getpid`).
    Read here, it is init's when the parent was killed before this ran: the worker then outlived it.
    """
    # The parent handles Ctrl-C and SIGTERM by stopping its pool; a worker that took
    # them too would print a traceback of its own, or run the parent's handler.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    parent = parent if parent is not None else os.getppid()
    if sys.platform.startswith("linux"):
        import ctypes  # (only workers need it: not at the command's start-up)

        try:
            libc = ctypes.CDLL(None, use_errno=True)
            if libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) == 0:
                if os.getppid() != parent:  # the parent died before the request took hold
                    os._exit(1)
                return
        except (OSError, AttributeError):
            pass
    threading.Thread(target=_watch_parent, args=(parent,), daemon=True, name="wxrtool-parent-watch").start()


def _watch_parent(parent: int) -> None:
    # Where the kernel cannot be asked: a parent that died leaves its children to
    # another process (init), so the parent's id changes.
    while os.getppid() == parent:
        time.sleep(1.0)
    os._exit(1)
