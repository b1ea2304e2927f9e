"""Downloading media safely: allowed hosts only, checked addresses only, bounded.

Every request, and every redirect (followed by hand), is parsed once and
checked: http(s) only, no ``user@`` part, a host that is one of the site's own
or one named with ``--host``, and every address that host resolves to public
(:func:`is_public`) unless ``allow_private``. A host is resolved once per
download and the connection goes to an address that was checked, while the Host
header and, for https, SNI and the certificate check still name the host: a
second lookup could answer differently (DNS rebinding), so there is none.

Each download has a timeout per connect or read, a deadline for all of it
(every try and pause; ``FetchPolicy.deadline``), a size limit (both the
announced length and the bytes streamed), and retries with exponential backoff
on timeouts, broken connections and 5xx answers; a broken connection is
resumed with a Range request. The bytes go into a temporary file of the
download's own in the target folder, renamed into place when complete, and a
``.NAME.complete`` marker beside it records what was completed: a file is
skipped later only while the marker still matches it (size, modification
time), and downloaded again otherwise. Files are fetched by a small thread
pool; the account says what was fetched, skipped and failed, and why.
"""

from __future__ import annotations

import contextlib
import http.client
import ipaddress
import json
import os
import socket
import ssl
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from urllib.parse import quote, urljoin, urlsplit

from . import __version__
from .media import local_path

USER_AGENT = f"wxrtool/{__version__} (media download)"
Resolver = Callable[[str, int], Sequence[str]]

_REDIRECTS = (301, 302, 303, 307, 308)
_PORTS = {"http": 80, "https": 443}
# Not global, though Python before 3.12.4 says they are: the 6to4 relay anycast
# and 6to4 prefixes (either can reach an IPv4 network of the relay's choosing).
_NOT_GLOBAL = (ipaddress.ip_network("192.88.99.0/24"), ipaddress.ip_network("2002::/16"))
_PATH_SAFE = "/%:@!$&'()*+,;=-._~"  # what may stay as it is on a request line (RFC 3986 pchar)


def system_resolve(host: str, port: int) -> list[str]:
    """The addresses of ``host`` from the system's resolver, in its order, once each.

    >>> system_resolve("127.0.0.1", 80)
    ['127.0.0.1']
    """
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


@dataclass
class FetchPolicy:
    """What downloads may do.

    ``deadline`` is how long one download may take in all, every try, pause and
    redirect included (``None``: ten times ``timeout``, the limit of one connect
    or read). ``resolve`` turns a host into its addresses (``None``: the
    module's :func:`system_resolve`, looked up when used, so tests can replace
    either); ``tls`` is the context https connections use (default: the system's CAs).
    """

    hosts: set[str] = field(default_factory=set)
    allow_private: bool = False
    max_bytes: int = 100 * 1024 * 1024
    timeout: float = 20.0
    retries: int = 3
    backoff: float = 0.5
    max_redirects: int = 5
    workers: int = 4
    deadline: float | None = None
    resolve: Resolver | None = None
    tls: ssl.SSLContext | None = None

    @property
    def time_limit(self) -> float:
        """Seconds one download may take in all."""
        return self.deadline if self.deadline is not None else 10 * self.timeout


@dataclass
class Outcome:
    """What happened to one URL: ``fetched``, ``skipped`` or ``failed``, and why."""

    url: str
    status: str
    path: str = ""
    reason: str = ""
    bytes: int = 0


class Refused(Exception):
    """A request the policy does not allow (address, size, redirects, a host that does not resolve)."""


class OffSite(Refused):
    """A URL that is not http(s) (``data:``, ``ftp:``): nothing to download, not a failure."""


class _Status(Exception):
    def __init__(self, code: int) -> None:
        super().__init__(f"HTTP {code}")
        self.code = code


class _LocalError(Exception):
    """The media folder could not be written: no use trying again."""


def is_public(address: str) -> bool:
    """Whether a download may connect to ``address``: a global unicast address.

    IPv4-mapped IPv6 addresses are judged by the IPv4 address they carry.

    >>> [is_public(a) for a in ("93.184.216.34", "2606:4700::1111", "127.0.0.1", "::ffff:127.0.0.1")]
    [True, True, False, False]
    >>> [is_public(a) for a in ("100.64.0.1", "192.88.99.1", "2002:7f00:1::", "fec0::1", "224.0.0.1", "ff0e::1")]
    [False, False, False, False, False, False]
    """
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            ip = ip.ipv4_mapped
        elif ip.is_site_local:
            return False
    if not ip.is_global or ip.is_multicast or ip.is_reserved or ip.is_private or ip.is_loopback or ip.is_link_local:
        return False
    return not any(ip.version == net.version and ip in net for net in _NOT_GLOBAL)


@dataclass(frozen=True)
class Target:
    """One request, parsed once: where it goes (checked addresses) and what it asks for."""

    url: str
    https: bool
    host: str
    port: int
    path: str  # the request line's target, percent-encoded
    addresses: tuple[str, ...]


def pin(url: str, policy: FetchPolicy, resolved: dict[str, tuple[str, ...]] | None = None) -> Target:
    """Parse and check ``url``; resolve its host once (``resolved`` caches it for the download).

    Raises :class:`OffSite` for a URL that is not http(s), :class:`Refused` for one the
    policy forbids (a host not among ``policy.hosts``, user information, a host that does
    not resolve, or resolves to any address that is not public unless ``allow_private``),
    its reason naming the option that would allow it where there is one.

    >>> policy = FetchPolicy(hosts={"media.example"}, resolve=lambda host, port: ["93.184.216.34"])
    >>> target = pin("https://media.example/a b.jpg?w=1", policy)
    >>> target.host, target.port, target.path, target.addresses
    ('media.example', 443, '/a%20b.jpg?w=1', ('93.184.216.34',))
    """
    try:
        parts = urlsplit(url)
    except ValueError:
        raise Refused(f"not a URL that parses ({url})") from None
    if parts.scheme not in _PORTS:
        raise OffSite(f"not an http(s) URL: {url}")
    if parts.username is not None or parts.password is not None:
        raise Refused("the URL names a user (user@host); such URLs are not fetched")
    host = (parts.hostname or "").lower()
    if not host:
        raise Refused(f"no host in {url}")
    if host not in policy.hosts:
        # A refusal, as a private address is: the file is not downloaded, and the user says.
        raise Refused(f"{host} is not one of the site's hosts (--host {host} downloads from it)")
    try:
        port = parts.port or _PORTS[parts.scheme]
    except ValueError:
        raise Refused(f"not a port number in {url}") from None
    resolved = {} if resolved is None else resolved
    if host not in resolved:
        try:
            addresses = tuple((policy.resolve or system_resolve)(host, port))
        except (OSError, UnicodeError) as exc:
            raise Refused(f"cannot resolve {host}: {getattr(exc, 'strerror', None) or exc}") from None
        if not addresses:
            raise Refused(f"cannot resolve {host}: no address")
        if not policy.allow_private:
            for address in addresses:
                if not is_public(address):
                    raise Refused(
                        f"{host} resolves to {address}, which is not a public address (--allow-private permits it)"
                    )
        resolved[host] = addresses
    path = quote(parts.path or "/", safe=_PATH_SAFE)
    if parts.query:
        path += "?" + quote(parts.query, safe=_PATH_SAFE + "?")
    return Target(url, parts.scheme == "https", host, port, path, resolved[host])


def _open_socket(address: str, port: int, timeout: float) -> socket.socket:
    """A TCP connection to an address (never a name: nothing is looked up here)."""
    family = socket.AF_INET6 if ":" in address else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.settimeout(timeout)
        sock.connect((address, port))
    except BaseException:
        sock.close()
        raise
    return sock


_DEFAULT_TLS: list[ssl.SSLContext] = []
_TLS_LOCK = threading.Lock()


def _system_tls() -> ssl.SSLContext:
    with _TLS_LOCK:  # one context for every download: loading the CAs takes a while
        if not _DEFAULT_TLS:
            _DEFAULT_TLS.append(ssl.create_default_context())
        return _DEFAULT_TLS[0]


class _Clock:
    """One download's deadline: when it passes, the connection in use is cut."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.end = time.monotonic() + seconds
        self.expired = False
        self._lock = threading.Lock()
        self._sock: socket.socket | None = None
        # A socket timeout bounds each read, not a server sending a byte a second:
        # a timer shuts the socket down, which wakes any read blocked on it.
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True
        self._timer.start()

    def left(self) -> float:
        return self.end - time.monotonic()

    def watch(self, sock: socket.socket) -> None:
        with self._lock:
            self._sock = sock
            if self.expired:
                _cut(sock)

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            if self._sock is not None:
                _cut(self._sock)

    def stop(self) -> None:
        self._timer.cancel()


def _cut(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):
        socket.socket.shutdown(sock, socket.SHUT_RDWR)  # the TCP socket even under TLS


class _PinnedConnection(http.client.HTTPConnection):
    """HTTP(S) to one checked address; Host header, SNI and certificate name the host."""

    def __init__(self, target: Target, address: str, timeout: float, clock: _Clock, tls: ssl.SSLContext | None):
        super().__init__(target.host, target.port, timeout=timeout)
        self.default_port = _PORTS["https" if tls else "http"]  # the Host header leaves it out
        self._address = address
        self._clock = clock
        self._tls = tls

    def connect(self) -> None:
        sock = _open_socket(self._address, self.port, self.timeout)  # type: ignore[arg-type]
        self._clock.watch(sock)
        if self._tls is not None:
            try:
                sock = self._tls.wrap_socket(sock, server_hostname=self.host)
            except BaseException:
                sock.close()
                raise
            self._clock.watch(sock)
        self.sock = sock


class _Download:
    """One URL into its file: tries, redirects, resumption, the deadline."""

    def __init__(self, url: str, target: str, policy: FetchPolicy, resolved: dict[str, tuple[str, ...]]):
        self.url = url
        self.target = target
        self.policy = policy
        self.resolved = resolved
        self.clock = _Clock(policy.time_limit)
        self.partial = ""  # this download's own temporary file
        self.have = 0  # bytes in it that are the start of the file
        self.resumed = False

    def run(self) -> tuple[str, str, int]:
        """Status, reason and bytes fetched."""
        try:
            return self._tries()
        finally:
            self.clock.stop()
            if self.partial:
                with contextlib.suppress(OSError):
                    os.unlink(self.partial)

    def _tries(self) -> tuple[str, str, int]:
        policy = self.policy
        last_error = ""
        for attempt in range(policy.retries):
            if attempt:
                pause = policy.backoff * 2 ** (attempt - 1)
                if pause >= self.clock.left():
                    return self._late()
                time.sleep(pause)
            try:
                return self._attempt()
            except (Refused, _LocalError) as exc:
                return "failed", str(exc), 0
            except _Status as exc:
                last_error = str(exc)
                if exc.code < 500 and exc.code != 429:
                    return "failed", last_error, 0
            except ssl.SSLCertVerificationError as exc:
                return "failed", f"certificate: {exc.verify_message or exc}", 0
            except (OSError, http.client.HTTPException) as exc:
                last_error = f"network: {exc or type(exc).__name__}"
            if self.clock.expired:
                return self._late()
        return "failed", f"{last_error} after {policy.retries} tries", 0

    def _late(self) -> tuple[str, str, int]:
        return "failed", f"not done within {self.clock.seconds:g} s (the deadline for one download)", 0

    def _attempt(self) -> tuple[str, str, int]:
        response, connection = self._open()
        with contextlib.closing(connection), response:
            expected = self._expected(response)
            if expected is not None and expected > self.policy.max_bytes:
                raise Refused(f"{expected} bytes is over the limit of {self.policy.max_bytes}")
            fetched = self._stream(response)
        if self.clock.expired:
            raise TimeoutError("deadline")  # the end of the stream may be the cut
        if expected is not None and self.have != expected:
            raise OSError(f"connection closed after {self.have} of {expected} bytes")
        try:
            os.replace(self.partial, self.target)
        except OSError as exc:
            raise _LocalError(f"cannot write {self.target}: {exc.strerror or exc}") from None
        self.partial = ""
        _mark_complete(self.target, self.url)
        return "fetched", "resumed" if self.resumed else "", fetched

    def _expected(self, response: http.client.HTTPResponse) -> int | None:
        """The whole file's size if the response says, after checking a 206 continues ours."""
        length_header = response.getheader("Content-Length")
        length = _count(length_header)
        if response.status != 206:
            self.have = 0  # the whole file again: start over
            return length
        first, _, total = (response.getheader("Content-Range") or "").removeprefix("bytes ").partition("/")
        start = first.partition("-")[0].strip()
        if _count(start) != self.have:
            asked, self.have = self.have, 0  # not the rest of our file: the next try starts over
            raise OSError(f"the server answered the range {first or '?'}, not bytes {asked}-")
        if (whole := _count(total)) is not None:
            return whole
        return self.have + length if length is not None else None

    def _stream(self, response: http.client.HTTPResponse) -> int:
        limit = self.policy.max_bytes
        fetched = 0
        try:
            if not self.partial:
                folder, name = os.path.split(self.target)
                os.makedirs(folder, exist_ok=True)
                handle, self.partial = tempfile.mkstemp(prefix=f".{name}.", suffix=".part", dir=folder)
                os.close(handle)
            out = open(self.partial, "r+b")  # noqa: SIM115 (closed below; reads may raise)
        except OSError as exc:
            raise _LocalError(f"cannot write in {os.path.dirname(self.target)}: {exc.strerror or exc}") from None
        with out:
            out.seek(self.have)
            out.truncate()
            self.resumed = self.resumed or self.have > 0
            while chunk := response.read1(1 << 16):
                if self.have + len(chunk) > limit:
                    raise Refused(f"over the limit of {limit} bytes")
                out.write(chunk)
                self.have += len(chunk)
                fetched += len(chunk)
        return fetched

    def _open(self) -> tuple[http.client.HTTPResponse, _PinnedConnection]:
        """Send the request, following checked redirects; a 200 or 206 response."""
        url = self.url
        for _ in range(self.policy.max_redirects + 1):
            target = pin(url, self.policy, self.resolved)
            connection = self._connect(target)
            headers = {"User-Agent": USER_AGENT}
            if self.have:
                headers["Range"] = f"bytes={self.have}-"
            try:
                connection.request("GET", target.path, headers=headers)
                response = connection.getresponse()
            except BaseException:
                connection.close()
                raise
            location = response.getheader("Location")
            if response.status in _REDIRECTS and location:
                response.close()
                connection.close()
                url = urljoin(url, location)
                continue
            if response.status not in (200, 206):
                response.close()
                connection.close()
                raise _Status(response.status)
            return response, connection
        raise Refused(f"more than {self.policy.max_redirects} redirects")

    def _connect(self, target: Target) -> _PinnedConnection:
        """A connection to the first of the target's checked addresses that answers."""
        tls = (self.policy.tls or _system_tls()) if target.https else None
        error: OSError = OSError(f"no address for {target.host}")
        for address in target.addresses:
            timeout = max(0.001, min(self.policy.timeout, self.clock.left()))
            connection = _PinnedConnection(target, address, timeout, self.clock, tls)
            try:
                connection.connect()
            except ssl.SSLCertVerificationError:
                connection.close()
                raise
            except OSError as exc:
                connection.close()
                error = exc
                continue
            return connection
        raise error


def _count(header: str | None) -> int | None:
    """A byte count a server sends (``Content-Length``, a ``Content-Range`` part): ASCII digits,
    no more than 18 (an exabyte), else none. (``"²".isdigit()`` is true, and ``int()`` refuses it;
    a server is no more trusted than an export.)"""
    text = (header or "").strip()
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 18 else None


def _marker(target: str) -> str:
    folder, name = os.path.split(target)
    return os.path.join(folder, f".{name}.complete")


def _mark_complete(target: str, url: str) -> None:
    """Record that ``target`` is a whole download: its size and modification time."""
    stat = os.stat(target)
    record = {"url": url, "size": stat.st_size, "mtime_ns": stat.st_mtime_ns}
    with contextlib.suppress(OSError), open(_marker(target), "w", encoding="utf-8") as out:
        json.dump(record, out)


def completed_size(target: str) -> int | None:
    """The size of ``target`` if a download completed it and nothing changed it since, else ``None``."""
    try:
        with open(_marker(target), encoding="utf-8") as handle:
            record = json.load(handle)
        stat = os.stat(target)
    except (OSError, ValueError):
        return None
    if isinstance(record, dict) and record.get("size") == stat.st_size and record.get("mtime_ns") == stat.st_mtime_ns:
        return stat.st_size
    return None


def download(url: str, folder: str, policy: FetchPolicy) -> Outcome:
    """Fetch one URL into ``folder`` at :func:`~wxrtool.media.local_path` (see the module for the rules)."""
    relative = local_path(url)
    target = os.path.join(folder, *relative.split("/"))
    resolved: dict[str, tuple[str, ...]] = {}
    try:
        pin(url, policy, resolved)
    except OffSite as exc:
        return Outcome(url, "skipped", relative, str(exc))
    except Refused as exc:
        return Outcome(url, "failed", relative, str(exc))
    size = completed_size(target)
    if size is not None:
        return Outcome(url, "skipped", relative, "already downloaded", size)
    status, reason, fetched = _Download(url, target, policy, resolved).run()
    return Outcome(url, status, relative, reason, fetched)


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
