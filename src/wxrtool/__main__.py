"""``python -m wxrtool``: the same as the ``wxrtool`` command."""

from .cli import main

main(prog_name="wxrtool")
