"""The ``wxrtool`` command: parse options, make one library call, print.

Exit status: 0 done, 1 failed (one ``Error: FILE:LINE:COL: ...`` line on
stderr), 2 usage error. Data goes to stdout, messages to stderr; a traceback is
a bug and shows only with ``--traceback``.

One module per command (:mod:`.convert`, :mod:`.validate`...), what they share in
:mod:`.options`; this one holds the group that turns errors into that one line.
"""

from __future__ import annotations

import os
import select
import signal
import sys
from typing import Any

import click

from .. import __version__
from ..errors import WXRError, system_error
from ..processes import Stopped, exit_status, stop_on_sigterm
from .checkurls import check_urls_command
from .convert import convert
from .formats import formats_command
from .media import media_command
from .migrate import migrate_command
from .options import EXAMPLES
from .split import split_command
from .stats import stats_command
from .validate import validate_command


class _Group(click.Group):
    """Turns wxrtool's errors into one ``Error:`` line and exit status 1."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except WXRError as exc:
            raise click.ClickException(str(exc)) from None
        except (click.ClickException, click.exceptions.Exit, click.Abort, SystemExit):
            raise
        except KeyboardInterrupt as exc:
            click.echo("Stopped." if isinstance(exc, Stopped) else "Interrupted.", err=True)
            sys.exit(exit_status(exc))
        except BrokenPipeError:
            if not _stdout_closed():
                raise click.ClickException(str(system_error(BrokenPipeError(32, "Broken pipe")))) from None
            # What reads our standard output stopped reading (| head): nothing more to say to it,
            # and no error about it; exit as a process SIGPIPE ends does.
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            sys.exit(128 + signal.SIGPIPE)
        except OSError as exc:
            if ctx.params.get("traceback"):
                raise
            raise click.ClickException(str(system_error(exc))) from None
        except MemoryError:
            raise click.ClickException(
                "out of memory (give wxrtool more memory, use fewer --jobs, or a smaller --max-item-size)"
            ) from None
        except Exception as exc:
            if ctx.params.get("traceback"):
                raise
            raise click.ClickException(
                f"internal error: {type(exc).__name__}: {exc} (a bug in wxrtool; run again with"
                " --traceback and report what it prints)"
            ) from None


@click.group(cls=_Group, epilog=EXAMPLES)
@click.version_option(__version__, prog_name="wxrtool")
@click.option("--traceback", is_flag=True, help="Show a Python traceback on internal errors.")
def main(traceback: bool) -> None:
    """Get a blog out of WordPress without losing anything on the way.

    Reads WordPress exports (WXR 1.0-1.2, WordPress.com, WP-CLI; gzip, bzip2
    and xz) in constant memory and writes them in other formats.
    """
    stop_on_sigterm()
    if not traceback:
        sys.unraisablehook = _unraisable


def _stdout_closed() -> bool:
    """Whether the reader of standard output went away (a pipe whose read end is closed)."""
    try:
        poll = select.poll()
        poll.register(sys.stdout.fileno(), select.POLLOUT)
        return any(events & select.POLLERR for _, events in poll.poll(0))
    except (OSError, ValueError, AttributeError):  # (no poll here, or no file behind stdout)
        return False


def _unraisable(info: Any) -> None:
    """Errors Python cannot raise (lxml's error callback out of memory inside libxml2): the
    read ends with its own one-line error; a traceback for each would flood the terminal."""
    if not isinstance(info.exc_value, MemoryError):
        sys.__unraisablehook__(info)


for command in (convert, stats_command, validate_command, media_command, migrate_command, check_urls_command,
                split_command, formats_command):  # fmt: skip
    main.add_command(command)
