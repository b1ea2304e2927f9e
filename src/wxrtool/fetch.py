"""Downloading media safely: allowed hosts only, no private addresses, bounded, resumable.

Every request (and every redirect, which is followed by hand) is checked: the
host must be one of the site's own or one named with ``--host``, and its
addresses must be public unless ``allow_private`` (a redirect from the site to
an internal address is how such downloads are abused). Each download has
timeouts, a size limit, retries with exponential backoff on timeouts and 5xx
answers, and resumes: a complete file is skipped (its size matches the
server's), a ``.part`` left by an interrupted run is continued with a Range
request. Files are fetched by a small thread pool; the account says what was
fetched, skipped and failed, and why.
"""

from __future__ import annotations

import ipaddress
import os
import socket
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

from . import __version__
from .media import local_path

USER_AGENT = f"wxrtool/{__version__} (media download)"


@dataclass
class FetchPolicy:
    """What downloads may do."""

    hosts: set[str] = field(default_factory=set)
    allow_private: bool = False
    max_bytes: int = 100 * 1024 * 1024
    timeout: float = 20.0
    retries: int = 3
    backoff: float = 0.5
    max_redirects: int = 5
    workers: int = 4


@dataclass
class Outcome:
    """What happened to one URL: ``fetched``, ``skipped`` or ``failed``, and why."""

    url: str
    status: str
    path: str = ""
    reason: str = ""
    bytes: int = 0


class Refused(Exception):
    """A request the policy does not allow (host, address, size, too many redirects)."""


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None  # every redirect is checked and followed by hand


_OPENER = urllib.request.build_opener(_NoRedirects)


def check_address(host: str, policy: FetchPolicy) -> None:
    """Refuse a host whose addresses are private, loopback, link-local or reserved."""
    if policy.allow_private:
        return
    try:
        infos = socket.getaddrinfo(host, None)
    except OSError as exc:
        raise Refused(f"cannot resolve {host}: {exc.strerror or exc}") from None
    for info in infos:
        address = ipaddress.ip_address(str(info[4][0]).split("%")[0])
        if (
            address.is_private
            or address.is_loopback
            or address.is_link_local
            or address.is_reserved
            or address.is_multicast
        ):
            raise Refused(f"{host} resolves to {address}, a private address (use --allow-private to permit)")


def check_url(url: str, policy: FetchPolicy) -> None:
    """Refuse a URL that is not http(s), not on an allowed host, or on a private address."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise Refused(f"not an http(s) URL: {url}")
    host = (parts.hostname or "").lower()
    if host not in policy.hosts:
        raise Refused(f"{host} is not one of the site's hosts (add it with --host)")
    check_address(host, policy)


def _open(url: str, policy: FetchPolicy, start: int = 0) -> tuple[object, str]:
    """Open ``url`` following checked redirects; returns the response and the final URL."""
    for _ in range(policy.max_redirects + 1):
        check_url(url, policy)
        request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
        if start:
            request.add_header("Range", f"bytes={start}-")
        try:
            response = _OPENER.open(request, timeout=policy.timeout)
        except urllib.error.HTTPError as exc:
            if exc.code in (301, 302, 303, 307, 308) and exc.headers.get("Location"):
                url = urljoin(url, exc.headers["Location"])
                exc.close()
                continue
            raise
        return response, url
    raise Refused(f"more than {policy.max_redirects} redirects")


def download(url: str, folder: str, policy: FetchPolicy) -> Outcome:
    """Fetch one URL into ``folder`` (see the module for the rules)."""
    relative = local_path(url)
    target = os.path.join(folder, relative)
    partial = target + ".part"
    try:
        check_url(url, policy)
    except Refused as exc:
        return Outcome(url, "skipped", relative, str(exc))
    last_error = ""
    for attempt in range(policy.retries):
        if attempt:
            time.sleep(policy.backoff * 2 ** (attempt - 1))
        try:
            return _attempt(url, target, partial, relative, policy)
        except Refused as exc:
            return Outcome(url, "failed", relative, str(exc))
        except urllib.error.HTTPError as exc:
            exc.close()
            last_error = f"HTTP {exc.code}"
            if exc.code < 500 and exc.code != 429:
                return Outcome(url, "failed", relative, last_error)
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            last_error = f"network: {reason}"
    return Outcome(url, "failed", relative, f"{last_error} after {policy.retries} tries")


def _attempt(url: str, target: str, partial: str, relative: str, policy: FetchPolicy) -> Outcome:
    start = os.path.getsize(partial) if os.path.exists(partial) else 0
    if os.path.exists(target):
        response, _ = _open(url, policy)
        with response:  # type: ignore[attr-defined]
            length = response.headers.get("Content-Length")  # type: ignore[attr-defined]
        if length is not None and int(length) == os.path.getsize(target):
            return Outcome(url, "skipped", relative, "already present with the right size", int(length))
        start = 0
    response, _final = _open(url, policy, start)
    with response:  # type: ignore[attr-defined]
        status = response.status  # type: ignore[attr-defined]
        length_header = response.headers.get("Content-Length")  # type: ignore[attr-defined]
        if status != 206:
            start = 0  # the server sent the whole file: start over
        expected = int(length_header) + start if length_header is not None else None
        if expected is not None and expected > policy.max_bytes:
            raise Refused(f"{expected} bytes is over the limit of {policy.max_bytes}")
        os.makedirs(os.path.dirname(target), exist_ok=True)
        written = start
        with open(partial, "ab" if start else "wb") as out:
            while True:
                chunk = response.read(1 << 16)  # type: ignore[attr-defined]
                if not chunk:
                    break
                written += len(chunk)
                if written > policy.max_bytes:
                    out.close()
                    os.unlink(partial)
                    raise Refused(f"over the limit of {policy.max_bytes} bytes")
                out.write(chunk)
        if expected is not None and written != expected:
            raise OSError(f"connection closed after {written} of {expected} bytes")
    os.replace(partial, target)
    return Outcome(url, "fetched", relative, "resumed" if start else "", written - start)


def download_all(
    urls: Iterable[str],
    folder: str,
    policy: FetchPolicy,
    progress: Callable[[Outcome], None] | None = None,
) -> list[Outcome]:
    """Fetch ``urls`` into ``folder`` with a pool of ``policy.workers`` threads, in input order."""
    urls = list(dict.fromkeys(urls))
    with ThreadPoolExecutor(max_workers=max(1, policy.workers)) as pool:
        futures = [pool.submit(download, url, folder, policy) for url in urls]
        outcomes = []
        for future in futures:
            outcome = future.result()
            if progress is not None:
                progress(outcome)
            outcomes.append(outcome)
    return outcomes
