"""Where writers write: atomically, so a failure never leaves half a file.

A file is written under a temporary name beside its destination and renamed
into place only when the writer has finished; standard output (``-``) is
written directly, since it cannot be taken back.
"""

from __future__ import annotations

import contextlib
import dataclasses
import io
import json
import os
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterable, Iterator
from importlib import resources
from typing import TextIO

from .devices import special_file
from .errors import OutputError, system_error
from .sitestore import SpillMap
from .update import STATE, Manifest, Update, file_hash, merge, text_hash, write_manifest

_BUFFER = 1 << 20


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


@contextlib.contextmanager
def text_output(
    path: str | None,
    finish: Callable[[str], None] | None = None,
    keep: Callable[[str], bool] | None = None,
) -> Iterator[TextIO]:
    """A UTF-8 text stream for ``path`` (``None`` or ``-``: standard output); ``finish``, if
    given, is called with the written file's path, closed, before it is put in place (not
    for standard output); ``keep``, if given, then says whether the file in place stays as it is
    (the written one is dropped)."""
    if path is None or path == "-":
        stream = io.TextIOWrapper(sys.stdout.buffer, encoding="utf-8", newline="\n", write_through=False)
        try:
            yield stream
        finally:
            stream.flush()
            stream.detach()
        return
    if special_file(path):
        # A device, a named pipe, a shell's >(...): written to as it is, as standard output is. A
        # file put in its place broke /dev/null for the whole machine (as root) and left the
        # pipe's reader waiting.
        try:
            device = open(path, "w", encoding="utf-8", newline="\n", buffering=_BUFFER)  # noqa: SIM115
        except OSError as exc:
            raise _unwritable(path, exc) from None
        try:
            yield device
        except BaseException:
            with contextlib.suppress(OSError):
                device.close()
            raise
        try:
            device.close()
        except OSError as exc:  # (what was buffered could not be written: /dev/full)
            raise system_error(OSError(exc.errno, exc.strerror, path)) from None
        return
    # Through a symbolic link to the file it names: the link stays, the file is replaced.
    target = os.path.realpath(path) if os.path.islink(path) else os.path.abspath(path)
    folder = os.path.dirname(target)
    if os.path.isdir(target) or path.endswith(("/", os.sep)):  # ('-o new/' wrote a file named 'new')
        what = "a folder" if os.path.isdir(target) else "a folder's name (it ends with '/')"
        raise OutputError(f"this is {what}; one file is written here", file=path, hint="give a file's name")
    try:
        fd, temp = tempfile.mkstemp(prefix="." + os.path.basename(target) + ".", suffix=".part", dir=folder)
    except OSError as exc:
        raise _unwritable(path, exc) from None
    try:
        with open(fd, "w", encoding="utf-8", newline="\n", buffering=_BUFFER) as stream:
            yield stream
        if finish is not None:
            finish(temp)
        if keep is not None and keep(temp):
            os.unlink(temp)
            return
        os.chmod(temp, 0o666 & ~_umask())
        os.replace(temp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise


def file_in_the_way(path: str) -> str | None:
    """The first of ``path`` and the folders above it that exists, when it is not a folder (a file
    where a folder must be: ``notes.txt`` of ``notes.txt/site``), named as ``path`` is (relative
    when it is); ``None`` when it is a folder.

    >>> file_in_the_way(".") is None
    True
    """
    found = os.path.abspath(path)
    while not os.path.lexists(found) and os.path.dirname(found) != found:
        found = os.path.dirname(found)
    if os.path.isdir(found):
        return None
    return found if os.path.isabs(path) else os.path.relpath(found)


def _unwritable(path: str, exc: OSError) -> OutputError:
    """The error for an output that could not be started at ``path``."""
    blocked = file_in_the_way(os.path.dirname(path) or ".")
    if blocked is not None:  # ('-o notes.txt/site': "File exists" said nothing)
        return OutputError(f"cannot write here: {blocked} is a file, not a folder", file=path,
                           hint="give a path whose folders are folders")  # fmt: skip
    return OutputError(
        f"cannot write here: {exc.strerror or exc}", file=path, hint="check that the folder exists and is writable"
    )


def overwritten_input(outputs: Iterable[tuple[str, str | None]], inputs: Iterable[str]) -> tuple[str, str, str] | None:
    """The first output that is one of the files read, as ``(flag, output, input)``; ``None`` if none.

    ``outputs``: each option with the path given to it (``None``: not given). The same file
    under another name (a link, ``./``) counts: files are compared, not names.

    >>> overwritten_input([("-o", "out.json")], ["export.xml"]) is None
    True
    """
    read = {}
    for name in inputs:
        with contextlib.suppress(OSError, ValueError):
            if name != "-" and os.path.isfile(name):
                found = os.stat(name)
                read[found.st_dev, found.st_ino] = name
    for flag, path in outputs:
        with contextlib.suppress(OSError, ValueError):
            if path and path != "-" and os.path.exists(path):
                found = os.stat(path)
                if (found.st_dev, found.st_ino) in read:
                    return flag, path, read[found.st_dev, found.st_ino]
    return None


def clashing_outputs(outputs: Iterable[tuple[str, str | None]], folder: str = "") -> str | None:
    """Why two of ``outputs`` (each option with the path given to it) cannot both be written:
    one file for two, or one inside the output folder named by option ``folder``, which is
    replaced whole; ``None`` when they can. Files are compared, not names (links, ``./``).

    >>> clashing_outputs([("-o", "site"), ("--report", "site/r.json")], folder="-o")
    '--report site/r.json is inside -o site, a folder wxrtool replaces whole; write it beside the folder'
    """
    given = [(flag, path, os.path.realpath(path)) for flag, path in outputs if path and path != "-"]
    for k, (flag, path, real) in enumerate(given):
        for other, other_path, other_real in given[:k]:
            if real == other_real:
                return f"{flag} {path} and {other} {other_path} name one file; give each its own"
    for outer, outer_path, outer_real in (g for g in given if g[0] == folder):
        for inner, inner_path, _ in (g for g in given if g[2] != outer_real and within(g[2], outer_real)):
            return (
                f"{inner} {inner_path} is inside {outer} {outer_path}, a folder wxrtool replaces whole;"
                " write it beside the folder"
            )
    return None


MANIFEST = ".wxrtool-manifest.json"


def folder_target(path: str) -> str:
    """The folder an output at ``path`` is written to: absolute, and a symbolic link's target
    (the link is kept; the folder it points to is the one replaced)."""
    target = os.path.abspath(path)
    return os.path.realpath(target) if os.path.islink(target) else target


class OutputDir:
    """A folder being written: files go to a temporary folder that replaces the target at the end.

    A failure leaves the target as it was. A target that exists and is not empty
    is refused unless ``force``, and even then only a folder wxrtool wrote itself
    is replaced (see :func:`check_replaceable`): each output keeps a manifest of its
    files, :data:`MANIFEST`. A target that is a symbolic link keeps its link; the
    folder it points to is the one replaced.
    """

    def __init__(
        self,
        path: str,
        *,
        force: bool = False,
        inputs: Iterable[str] = (),
        update: bool = False,
        keep_removed: bool = False,
        kind: str = "",
    ) -> None:
        self.target = folder_target(path)
        self.kind = kind
        self.path = path
        self.force = force
        self._inputs = list(inputs)
        self.keep_removed = keep_removed
        # With ``update``, an earlier output is brought up to date file by file (wxrtool.update).
        self.previous: Manifest | None = None
        self.updated: Update | None = None
        self.outside: dict[str, str] = {}  # files written beside the folder (a redirect file), with hashes
        if os.path.exists(self.target) and not os.path.isdir(self.target):
            raise OutputError("the output exists and is not a folder", file=path, hint="give a folder name")
        # (Looked at again when the folder is put in place: see _still_replaceable.)
        self._filled = _holds_files(self.target)
        if update and self._filled and not force:
            self.previous = Manifest.read(os.path.join(self.target, MANIFEST))
            if self.previous is None:
                raise OutputError(
                    f"--update needs an earlier wxrtool output here, and this folder has no readable {MANIFEST}",
                    file=path,
                    hint="give -o the folder wxrtool wrote before, or a new one",
                )
            if kind and self.previous.kind and self.previous.kind != kind:
                raise OutputError(
                    f"--update brings an output up to date in its own format, and this folder holds"
                    f" wxrtool's {self.previous.kind} output, not {kind}",
                    file=path,
                    hint="give -o the folder this format was written to before, or a new one",
                )
        elif self._filled:
            if not force:
                raise OutputError(
                    "the output folder is not empty",
                    file=path,
                    hint="choose another folder, or add --force to replace it",
                )
            check_replaceable(path, self.target, self._inputs)
        parent = os.path.dirname(self.target)
        try:
            os.makedirs(parent, exist_ok=True)
            self.root = tempfile.mkdtemp(prefix="." + os.path.basename(self.target) + ".", suffix=".part", dir=parent)
        except OSError as exc:
            raise _unwritable(path, exc) from None
        self._folder = ""  # the last folder made: files come grouped by folder
        # Every file written, relative (the manifest), with its SHA-256 as written; those
        # written otherwise than whole (a stream, a copy, a file filled in) are hashed at the end.
        # (SpillMaps: on disk for an output of very many files, wxrtool.sitestore.)
        self.written: SpillMap[str, str] = SpillMap()
        self._unhashed: SpillMap[str, None] = SpillMap()
        self.copied: set[str] = set()  # files copied in (media), lowercase: no page's folder
        # Text files holding ``marker`` (links to fill in: see wxrtool.itemlinks), when set.
        self.marker: str | None = None
        self.marked: SpillMap[str, None] = SpillMap()  # (in the order written)
        # The item whose files are being written (set by wxrtool.rerun.owned while a writer
        # takes an item), and each file's item: what an update reading few items needs.
        self.owner: int | None = None
        self.owned: SpillMap[str, int] = SpillMap()

    def _make_folder_of(self, path: str) -> None:
        folder = os.path.dirname(path)
        if folder != self._folder:
            os.makedirs(folder, exist_ok=True)
            self._folder = folder

    def write_text(self, relative: str, text: str) -> None:
        """Write one file (UTF-8, ``\\n`` line ends) at ``relative`` inside the folder."""
        path = os.path.join(self.root, relative)
        self._make_folder_of(path)
        with open(path, "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
        self.written[relative] = text_hash(text)
        if self.owner is not None:
            self.owned[relative] = self.owner
        if self.marker is not None and self.marker in text:
            self.marked[relative] = None

    def record(self, relative: str) -> None:
        """Count the file at ``relative`` as written, or changed in place, otherwise than by
        :meth:`write_text` (a copy, a stream, a file filled in): its hash is taken at the end."""
        self.written[relative] = ""
        self._unhashed[relative] = None
        if self.owner is not None:
            self.owned[relative] = self.owner

    def copy_file(self, source: str, relative: str) -> None:
        """Copy the file ``source`` to ``relative`` inside the folder."""
        target = os.path.join(self.root, relative)
        self._make_folder_of(target)
        shutil.copyfile(source, target)
        self.record(relative)  # (read back at the end, as it is on the disk)
        self.copied.add(relative.lower())

    def mkdir(self, relative: str) -> None:
        """Make sure the folder ``relative`` exists, even if nothing is written into it."""
        os.makedirs(os.path.join(self.root, relative), exist_ok=True)

    def open_text(self, relative: str, *, append: bool = False) -> TextIO:
        """A file at ``relative`` to write into as a stream (UTF-8, ``\\n``); the caller closes it.

        With ``append``, a file opened before is continued rather than started again.
        """
        path = os.path.join(self.root, relative)
        self._make_folder_of(path)
        self.record(relative)
        return open(path, "a" if append else "w", encoding="utf-8", newline="\n", buffering=_BUFFER)

    def commit(self) -> None:
        """Put the finished folder in place of the target (with ``update``, bring the target
        up to date with it: :func:`wxrtool.update.merge`)."""
        for name in self._unhashed:
            # (the run's record listed, not hashed: it checks itself, and holds the code's own hash)
            self.written[name] = "" if name == STATE else file_hash(os.path.join(self.root, name))
        if self.previous is not None and os.path.isdir(self.target):
            self.updated, manifest = merge(
                self.root, self.written, self.target, self.previous, self.keep_removed, skip=(MANIFEST, STATE)
            )
            if STATE in self.written:  # (the run's record: always this run's, never a conflict)
                here = os.path.join(self.target, STATE)
                new = os.path.join(self.root, STATE)
                if not os.path.isfile(here) or file_hash(here) != file_hash(new):
                    os.replace(new, here)
                manifest.files[STATE] = None
            elif os.path.isfile(os.path.join(self.target, STATE)):
                os.unlink(os.path.join(self.target, STATE))  # (an old record would not be this output's)
            manifest.outside.update(self.outside)
            dataclasses.replace(manifest, kind=self.kind or manifest.kind).write(os.path.join(self.target, MANIFEST))
            shutil.rmtree(self.root, ignore_errors=True)
            return
        self._still_replaceable()
        write_manifest(os.path.join(self.root, MANIFEST), self.written.sorted_items, self.outside, self.kind)
        os.chmod(self.root, 0o777 & ~_umask())
        if os.path.isdir(self.target):
            aside = tempfile.mkdtemp(
                prefix="." + os.path.basename(self.target) + ".", suffix=".old", dir=os.path.dirname(self.target)
            )
            os.rmdir(aside)
            os.replace(self.target, aside)
            os.replace(self.root, self.target)
            shutil.rmtree(aside, ignore_errors=True)
        else:
            os.replace(self.root, self.target)

    def _still_replaceable(self) -> None:
        """Refuse, and remove what was written, if the target was filled while this ran (another
        run into the same folder, the user): it was checked when the run started, and replaced
        whatever it held by then at the end."""
        if not _holds_files(self.target):
            return
        try:
            if not self._filled and not self.force:
                raise OutputError(
                    "the output folder was filled while wxrtool wrote (another run into it?); it is left as it is",
                    file=self.path,
                    hint="run again, with -o a folder of its own",
                )
            if self.force:
                check_replaceable(self.path, self.target, self._inputs)
        except OutputError:
            self.abort()
            raise

    def abort(self) -> None:
        """Remove what was written; the target is untouched."""
        shutil.rmtree(self.root, ignore_errors=True)


def check_replaceable(path: str, target: str, inputs: Iterable[str] = ()) -> None:
    """Refuse to replace ``target`` (the real, absolute form of ``path``) unless it is a wxrtool output.

    Never the root, the home folder, the current folder or a folder holding it, nor
    a folder holding one of ``inputs``, nor one holding a file that its manifest does
    not list (a file wxrtool did not write), nor one without a manifest.
    """
    real = os.path.realpath(target)
    here = os.path.realpath(os.getcwd())
    home = os.path.realpath(os.path.expanduser("~"))
    why = ""
    if real == os.path.dirname(real):
        why = "it is the root of the file system"
    elif real == home:
        why = "it is your home folder"
    elif within(here, real):
        why = "it is the current folder" if here == real else "it holds the current folder"
    else:
        for name in inputs:
            if name != "-" and within(os.path.realpath(name), real):
                why = f"it holds the input {name}"
                break
    if not why:
        why = _unlisted(real)
    if why:
        raise OutputError(
            f"--force will not replace this folder: {why}",
            file=path,
            hint="give -o a folder of its own (--force replaces only an earlier wxrtool output)",
        )


def _holds_files(folder: str) -> bool:
    """Whether ``folder`` is a folder with anything in it."""
    return os.path.isdir(folder) and bool(os.listdir(folder))


def within(path: str, folder: str) -> bool:
    """Whether ``path`` is ``folder`` or inside it, as written (give real paths to compare files).

    >>> within("/a/b/c", "/a/b"), within("/a/bc", "/a/b"), within("/a/b/c", "/a/b/")
    (True, False, True)
    """
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


# What an engine makes of the site wxrtool wrote, by the configuration file that names the engine
# (one the manifest lists: wxrtool wrote it): the built site, caches, a lock file, the packages npm
# installs. --force replaces a folder holding them along with the site they were made of: building
# the site as migrate's report says, then migrating again, was refused (".hugo_build.lock").
BUILT_BY_ENGINES = {
    "hugo.yaml": ("public/", "resources/", ".hugo_build.lock"),
    "_config.yml": ("_site/", ".jekyll-cache/", ".jekyll-metadata", ".sass-cache/", "Gemfile.lock"),
    "pelicanconf.py": ("output/", "__pycache__/", "cache/"),
    "eleventy.config.js": ("_site/", ".cache/", "node_modules/", "package-lock.json"),
    "astro.config.mjs": ("dist/", ".astro/", "node_modules/", "package-lock.json"),
}


def _unlisted(folder: str) -> str:
    """Why ``folder`` is not wholly an earlier output: no manifest, or a file it does not list
    and its engine did not make (:data:`BUILT_BY_ENGINES`) ('' if none)."""
    try:
        with open(os.path.join(folder, MANIFEST), encoding="utf-8") as f:
            listed = set(json.load(f)["files"])
    except (OSError, ValueError, KeyError, TypeError):
        return f"it has no readable {MANIFEST}, so wxrtool did not write it"
    built = tuple(path for config, paths in BUILT_BY_ENGINES.items() if config in listed for path in paths)
    for root, dirs, names in os.walk(folder):
        at = os.path.relpath(root, folder).replace(os.sep, "/")
        dirs[:] = [d for d in dirs if not _built(f"{d}/" if at == "." else f"{at}/{d}/", built)]  # (node_modules/)
        for name in names:
            relative = os.path.relpath(os.path.join(root, name), folder).replace(os.sep, "/")
            if relative != MANIFEST and relative not in listed and not _built(relative, built):
                return f"it holds {relative!r}, which wxrtool did not write"
    return ""


def _built(relative: str, built: tuple[str, ...]) -> bool:
    """Whether ``relative`` is one of ``built``, or under a folder of it (``public/``)."""
    return any(relative.startswith(path) if path.endswith("/") else relative == path for path in built)


@contextlib.contextmanager
def dir_output(
    path: str,
    *,
    force: bool = False,
    inputs: Iterable[str] = (),
    update: bool = False,
    keep_removed: bool = False,
    kind: str = "",
) -> Iterator[OutputDir]:
    """An :class:`OutputDir`, committed when the block succeeds and removed when it fails.

    ``inputs``: the files being read, which ``force`` never replaces; ``update``: bring an
    earlier output up to date rather than replace it (:mod:`wxrtool.update`).
    """
    out = OutputDir(path, force=force, inputs=inputs, update=update, keep_removed=keep_removed, kind=kind)
    try:
        yield out
    except BaseException:
        out.abort()
        raise
    out.commit()


def copy_scaffold(out: OutputDir, engine: str) -> None:
    """Copy the files of ``writers/scaffolds/<engine>/`` (shipped in the package) into ``out``."""
    root = resources.files("wxrtool").joinpath("writers", "scaffolds", engine)
    stack = [(root, "")]
    while stack:
        folder, prefix = stack.pop()
        for entry in sorted(folder.iterdir(), key=lambda e: e.name):
            if entry.is_dir():
                stack.append((entry, f"{prefix}{entry.name}/"))
            else:
                out.write_text(prefix + entry.name, entry.read_text(encoding="utf-8"))
