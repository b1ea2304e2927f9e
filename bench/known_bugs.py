"""Put each bug issue 13 lists into the code, one at a time, and see which tests fail.

    python bench/known_bugs.py            # every bug; exit 1 if one ships with a green run
    python bench/known_bugs.py --only pre  # the bugs whose name contains "pre"

Each bug is a small text change to one file of src/ (the same change a careless edit
would make), run against the tests that should notice it; the file is restored after.
A bug no test notices is printed as SURVIVED. The results are the issue's table.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src" / "wxrtool"

# (name, file under src/wxrtool, text, replaced by, tests that must notice)
BUGS: list[tuple[str, str, str, str, list[str]]] = [
    (
        "password in front matter",
        "writers/markdown.py",
        'data["protected"] = True',
        'data["protected"] = True; data["password"] = post.password',
        ["tests/test_promises.py"],
    ),
    (
        "path check removed",
        "writers/paths.py",
        'if os.path.commonpath([self.root, target]) != self.root or relative.startswith(".."):',
        "if False:",
        ["tests/test_security_paths.py"],
    ),
    (
        "jekyll redirect_from never written",
        "writers/jekyll.py",
        'data["redirect_from"] = redirects',
        "pass",
        ["tests/test_promises.py", "tests/test_jekyll.py"],
    ),
    (
        "disqus cut after the limit",
        "writers/disqus.py",
        "if current is None or (size and size + length > limit):",
        "if current is None or (size and size > limit):",
        ["tests/test_promises.py", "tests/test_comment_systems.py"],
    ),
    (
        "redirect loop kept",
        "redirects.py",
        "looping = _loops(style, written)",
        "looping: set[str] = set()",
        ["tests/test_security_redirects.py", "tests/test_redirects.py"],
    ),
    # nginx's quoting is a second layer since every value is percent-encoded (a quote never
    # reaches it: dropping it changes no file); the first layer is what must be guarded.
    (
        "nginx (every style): a quote left unencoded",
        "redirects.py",
        """string.digits + "-._~!'()+,=@&")""",
        """string.digits + "-._~!'()+,=@&\\"")""",
        ["tests/test_security_redirects.py", "tests/test_redirects_servers.py"],
    ),
    (
        "ghost slug not cut",
        "writers/ghost.py",
        '.strip("-")[: LIMITS["slug"]].strip("-")',
        '.strip("-")',
        ["tests/test_promises.py", "tests/test_ghost.py"],
    ),
    (
        "media: content-length limit removed",
        "fetch.py",
        "if expected is not None and expected > self.policy.max_bytes:",
        "if False:",
        ["tests/test_security_media.py", "tests/test_media.py"],
    ),
    (
        "media: streaming limit removed",
        "fetch.py",
        "if self.have + len(chunk) > limit:",
        "if False:",
        ["tests/test_security_media.py", "tests/test_media.py"],
    ),
    (
        "media: an existing file skipped whatever its size",
        "fetch.py",
        "size = completed_size(target)",
        "size = os.path.getsize(target) if os.path.exists(target) else None",
        ["tests/test_security_media.py", "tests/test_media.py"],
    ),
    (
        "media: only the first address checked",
        "fetch.py",
        "for address in addresses:",
        "for address in addresses[:1]:",
        ["tests/test_security_media.py"],
    ),
    (
        "threads: duplicates attach to the last",
        "threads.py",
        "first.setdefault(comment.id, index)",
        "first[comment.id] = index",
        ["tests/test_promises.py", "tests/test_threads.py"],
    ),
    (
        "dates: +14:00 treated as damage",
        "quirks.py",
        "_MAX_OFFSET = timedelta(hours=14)",
        "_MAX_OFFSET = timedelta(hours=13, minutes=59)",
        ["tests/test_promises.py", "tests/test_quirks.py"],
    ),
    (
        "pre loses every leading newline",
        "content/tomarkdown.py",
        "inner = inner[1:]  # HTML ignores",
        'inner = inner.lstrip("\\n")  # HTML ignores',
        ["tests/test_promises.py", "tests/test_content.py"],
    ),
    (
        "duplicate-slug compared with case",
        "validate.py",
        "key = (post.type, post.parent, post.slug.lower())",
        "key = (post.type, post.parent, post.slug)",
        ["tests/test_promises.py", "tests/test_validate.py"],
    ),
    (
        "file output written in place",
        "output.py",
        'fd, temp = tempfile.mkstemp(prefix="." + os.path.basename(target) + ".", suffix=".part", dir=folder)',
        "temp = target; fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC)",
        ["tests/test_promises.py"],
    ),
    (
        "comments of a left-out item not counted",
        "selection.py",
        'account.leave_out("comments", "item-left-out", len(post.comments))',
        "pass",
        ["tests/test_promises.py", "tests/test_account.py"],
    ),
    (
        "remark42 writes IP addresses",
        "writers/remark42.py",
        '"ip": c.author_ip if options.selection.personal_data else "",',
        '"ip": c.author_ip,',
        ["tests/test_promises.py"],
    ),
    (
        "wxr writes comment e-mail",
        "writers/wxr.py",
        'if personal_data else ("", "", ())',
        'if True else ("", "", ())',
        ["tests/test_promises.py"],
    ),
    (
        "netlify (every style) spaces not encoded",
        "redirects.py",
        """string.digits + "-._~!'()+,=@&")""",
        """string.digits + "-._~!'()+,=@& ")""",
        ["tests/test_security_redirects.py", "tests/test_redirects.py"],
    ),
    (
        "disqus writes e-mail",
        "writers/disqus.py",
        'email = c.author_email if options.selection.personal_data else ""',
        "email = c.author_email",
        ["tests/test_promises.py"],
    ),
    (
        "jekyll writes e-mail",
        "writers/jekyll.py",
        '    if options.selection.personal_data:\n        entry["email"]',
        '    if True:\n        entry["email"]',
        ["tests/test_promises.py"],
    ),
    (
        "json writes comment e-mail and IP",
        "writers/_data.py",
        '    if selection.personal_data:\n        out["author_email"]',
        '    if True:\n        out["author_email"]',
        ["tests/test_promises.py"],
    ),
    (
        "ghost writes author e-mail",
        "writers/ghost.py",
        "author.email if author and author.email and options.selection.personal_data else",
        "author.email if author and author.email else",
        ["tests/test_promises.py"],
    ),
]


def run(name: str, relative: str, old: str, new: str, tests: list[str]) -> bool:
    """Whether a test failed with the bug in (the file is restored either way)."""
    path = SRC / relative
    text = path.read_text(encoding="utf-8")
    if text.count(old) != 1:
        raise SystemExit(f"{name}: the text to change is not found once in {relative}; update this script")
    try:
        path.write_text(text.replace(old, new), encoding="utf-8")
        proc = subprocess.run(
            [sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider", *tests],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
            timeout=900,
        )
    finally:
        path.write_text(text, encoding="utf-8")
    failed = [line.split(" ")[1] for line in proc.stdout.splitlines() if line.startswith("FAILED")]
    caught = proc.returncode != 0
    print(
        f"{'caught  ' if caught else 'SURVIVED'}  {name}: {', '.join(failed) or proc.stdout.strip().splitlines()[-1]}"
    )
    return caught


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", default="", help="run only the bugs whose name contains this")
    args = parser.parse_args()
    results = [run(*bug) for bug in BUGS if args.only in bug[0]]
    print(f"{sum(results)} of {len(results)} bugs caught")
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
