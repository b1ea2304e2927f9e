"""YAML for front matter and data files: PyYAML's output, the common case without PyYAML.

Every document goes out as ``yaml.dump(data, Dumper=Dumper, sort_keys=False,
allow_unicode=True, width=WIDTH)`` would write it. Front matter is a flat mapping of
one-line strings, numbers, booleans, dates and lists of strings; for those,
:func:`dump` writes the same bytes itself, deciding plain or single-quoted style by
the rules of PyYAML's ``Emitter.analyze_scalar()`` and ``choose_scalar_style()``
(libyaml's are the same). Anything else (nested mappings, line breaks, control
characters, very long lines) goes to PyYAML. Its representer and emitter were most
of a front matter's cost; tests/test_yaml.py compares both ways on generated data.
"""

from __future__ import annotations

import functools
import re
from datetime import datetime
from typing import Any

import yaml

# libyaml's emitter when PyYAML has it (its wheels do).
_BaseDumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)

WIDTH = 1 << 16
"""No folding: a line is only broken where the value has a line break."""


class Dumper(_BaseDumper):  # type: ignore[misc,valid-type]
    """YAML that keeps dates as ISO 8601 timestamps with their offset, text as written."""


def _timestamp(dumper: yaml.SafeDumper, value: datetime) -> yaml.ScalarNode:
    return dumper.represent_scalar("tag:yaml.org,2002:timestamp", value.isoformat())


# What a YAML 1.2 reader (Hugo's, Eleventy's js-yaml, Astro's) takes for a number or null
# where PyYAML, which reads YAML 1.1, sees text: "1e3", "0o17", ".5e-3". Such text is quoted.
_NUMBER_TO_YAML_12 = re.compile(
    r"[-+]?(?:0o[0-7]+|0x[0-9a-fA-F]+|(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))"
)


# What Ruby's YAML reader (Psych: Jekyll's) takes for something else than the text PyYAML writes
# plainly: a Symbol (":3", ":/", which Jekyll refuses: the page loses its front matter, or the
# site does not build), numbers with commas ("10,000" is 10000, "0,5" is 5), yes/no/on/off/null
# in any letter case, sexagesimal numbers ("0:30" is 1800) and dates of one-digit months or days
# ("2024-1-3"). Such text is quoted.
_READ_OTHERWISE_BY_PSYCH = re.compile(
    r":.+"
    r"|(?i:y|n|yes|no|true|false|on|off|null|~)"
    r"|[-+]?(?:0b[01_,]+|0x[0-9a-fA-F_,]+|[0-9][0-9_,]*(?:\.[0-9_,]*)?(?:[eE][-+]?[0-9]+)?|\.[0-9][0-9_,]*)"
    r"|[-+]?[0-9][0-9_,]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?"
    r"|-?\d{4}-\d\d?-\d\d?(?:(?:[Tt]|\s+)\d\d?:\d\d:\d\d.*)?",
    re.S,
)


def _read_as_text_everywhere(value: str) -> bool:
    """Whether a plain scalar ``value`` is text to every reader: not a number or null to a
    YAML 1.2 reader, nor anything but text to Psych."""
    return not _NUMBER_TO_YAML_12.fullmatch(value) and not _READ_OTHERWISE_BY_PSYCH.fullmatch(value)


_YAML_BREAKS = re.compile("[\x85\u2028\u2029]")


def _text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    # Multi-line text (a comment's message) as a literal block, as people write it.
    # U+0085, U+2028, U+2029 are line breaks to YAML: js-yaml (Eleventy's, Astro's) reads one
    # inside single quotes as more text; in double quotes PyYAML writes them escaped (\N \L \P).
    # A text ending in a blank line, written as a block that keeps it ("|+"), ends its document
    # with "...", where Jekyll ends the front matter (the "---" after it shown as a rule): in
    # double quotes.
    if _YAML_BREAKS.search(value) or value.endswith("\n\n") or value == "\n":
        style: str | None = '"'
    else:
        style = "|" if "\n" in value else None if _read_as_text_everywhere(value) else "'"
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


Dumper.add_representer(datetime, _timestamp)
Dumper.add_representer(str, _text)


def dump(data: dict[str, Any]) -> str:
    """``data`` as a YAML block mapping, byte for byte what PyYAML writes.

    >>> print(dump({"title": "- a: b #c", "id": 7, "tags": ["x", "yes"]}), end="")
    title: '- a: b #c'
    id: 7
    tags:
    - x
    - 'yes'
    """
    quick = _quick(data)
    if quick is not None:
        return quick
    return str(yaml.dump(data, Dumper=Dumper, sort_keys=False, allow_unicode=True, width=WIDTH))


# -- the quick way ----------------------------------------------------------

# What PyYAML writes without escapes, on one line: printable characters, with no
# line break (U+0085, U+2028, U+2029 are breaks to YAML) and no byte-order mark.
# libyaml escapes every character beyond the Basic Multilingual Plane (emoji...), so
# those go the slow way, whichever emitter PyYAML has.
_ONE_LINE = re.compile(r"[\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd]*")
_FIRST_INDICATORS = frozenset("#,[]{}&*!|>'\"%@`")
_RESOLVER = yaml.resolver.Resolver()
_STR = "tag:yaml.org,2002:str"
_TIMESTAMP = "tag:yaml.org,2002:timestamp"
_LONGEST = 1 << 12  # far below WIDTH, counting the key and the indentation


@functools.lru_cache(maxsize=4096)  # keys, types, statuses, authors, terms come again and again
def _scalar(value: str) -> str | None:
    """``value`` as PyYAML writes a plain or single-quoted scalar; ``None`` if it would not."""
    if not value or len(value) > _LONGEST or not _ONE_LINE.fullmatch(value):
        return None
    return value if _plain_allowed(value) else "'" + value.replace("'", "''") + "'"


def _plain_allowed(value: str) -> bool:
    # analyze_scalar() for one line of printable characters, then choose_scalar_style():
    # plain when no indicator forbids it in block context and the value reads back as
    # a string (not a number, boolean, null, date...).
    if value[0] == " " or value[-1] == " " or value.startswith(("---", "...")):
        return False
    first, second = value[0], value[1:2]
    if first in _FIRST_INDICATORS:
        return False
    if first in "?:-" and second in ("", " "):
        return False
    if ": " in value or value.endswith(":") or " #" in value:
        return False
    return _implicit_tag(value) == _STR and _read_as_text_everywhere(value)


# The resolver looks only at the patterns filed under a scalar's first character: text
# starting with any other (most titles and slugs) is a string without asking it.
_RESOLVED_FIRSTS = frozenset(_RESOLVER.yaml_implicit_resolvers)
_ANY_FIRST = None in _RESOLVED_FIRSTS or bool(_RESOLVER.yaml_path_resolvers)


def _implicit_tag(text: str) -> str:
    """What a plain scalar ``text`` reads back as (PyYAML's resolver)."""
    if text and text[0] not in _RESOLVED_FIRSTS and not _ANY_FIRST:
        return _STR
    return str(_RESOLVER.resolve(yaml.ScalarNode, text, (True, False)))  # type: ignore[no-untyped-call]


# isoformat() of a datetime with a whole-minute offset or none: always a timestamp to
# the resolver (its pattern takes these and more).
_ISO_STAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:[+-]\d\d:\d\d)?")


def _value(value: Any) -> str | None:
    """A mapping value or list item, on one line; ``None`` when it is not that simple."""
    kind = type(value)
    if kind is str:
        return _scalar(value)
    if kind is bool:
        return "true" if value else "false"
    if kind is int:
        return str(value)
    if kind is datetime:
        stamp: str = value.isoformat()
        return stamp if _ISO_STAMP.fullmatch(stamp) or _implicit_tag(stamp) == _TIMESTAMP else None
    return None


def _quick(data: dict[str, Any]) -> str | None:
    lines = []
    for key, value in data.items():
        name = _scalar(key) if type(key) is str else None
        # A key must be short to be simple, or it is written "? key": under 128 characters
        # for PyYAML's emitter, at most 128 bytes for libyaml's.
        if name is None or name[0] == "'" or len(name.encode()) >= 128:
            return None
        if type(value) is list:
            if not value:
                lines.append(f"{name}: []")
                continue
            lines.append(f"{name}:")
            for item in value:
                text = _value(item)
                if text is None:
                    return None
                lines.append(f"- {text}")
            continue
        text = _value(value)
        if text is None:
            return None
        lines.append(f"{name}: {text}")
    if not lines:
        return None
    return "\n".join(lines) + "\n"
