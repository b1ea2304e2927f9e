"""``media --download`` against hostile servers and exports: addresses, pinning, limits, names, escapes.

Every server here is a loopback ``http.server`` in a thread. Names such as
``media.example`` are "resolved" by a resolver the test passes in, and sockets
to the "public" address they resolve to are sent to the loopback server by
replacing :func:`wxrtool.fetch._open_socket`: what a download connects to is
recorded, and no request leaves the machine.
"""

from __future__ import annotations

import contextlib
import datetime
import http.server
import socket
import ssl
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from wxrtool import fetch
from wxrtool.cli import main
from wxrtool.fetch import FetchPolicy, download, download_all, is_public
from wxrtool.media import local_path

PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8
PUBLIC = "93.184.216.34"
seen: list[tuple[str, str]] = []  # (path, Host header) of every request
COUNTS: dict[str, int] = {}


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args: object) -> None:
        pass

    def handle(self) -> None:
        with contextlib.suppress(BrokenPipeError, ConnectionResetError, ssl.SSLError):
            super().handle()

    def send_body(self, body: bytes, status: int = 200, headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        for key, value in {"Content-Length": str(len(body)), **(headers or {})}.items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(body)

    def drip(self, body: bytes, pause: float, length: int | None = None) -> None:
        self.send_response(200)
        self.send_header("Content-Length", str(len(body) if length is None else length))
        self.end_headers()
        for i in range(len(body)):
            self.wfile.write(body[i : i + 1])
            self.wfile.flush()
            time.sleep(pause)

    def do_GET(self) -> None:
        path = self.path
        seen.append((path, self.headers.get("Host", "")))
        COUNTS[path] = COUNTS.get(path, 0) + 1
        if path == "/ok.png":
            self.send_body(PNG)
        elif path == "/to-inner.png":
            self.send_response(302)
            self.send_header("Location", f"http://inner.example:{self.server.server_address[1]}/ok.png")
            self.send_header("Content-Length", "0")
            self.end_headers()
        elif path == "/chunked.png":  # no Content-Length: only the streaming limit can stop it
            self.send_response(200)
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            for _ in range(3):
                self.wfile.write(b"%x\r\n%s\r\n" % (len(PNG), PNG))
            self.wfile.write(b"0\r\n\r\n")
        elif path == "/lying.png":  # announces a gigabyte, sends ten bytes
            self.send_response(200)
            self.send_header("Content-Length", str(10**9))
            self.end_headers()
            self.wfile.write(PNG[:10])
            self.close_connection = True
        elif path in ("/superscript-length.png", "/long-length.png"):  # lengths int() refuses
            self.send_response(200)
            self.send_header("Content-Length", "\u00b2" if path.startswith("/superscript") else "9" * 5000)
            self.end_headers()
            self.wfile.write(PNG)
            self.close_connection = True
        elif path == "/drip.png":
            self.drip(PNG[:60], 0.1)
        elif path.startswith("/photo.png?w="):  # two sizes of one photo, slowly, so they overlap
            body = path.encode() * 40
            self.drip(body, 0.0005)
        elif path == "/same.png":  # one local name, a body for each request
            self.drip(b"AB"[COUNTS[path] % 2 : COUNTS[path] % 2 + 1] * 300, 0.001)
        elif path == "/badrange.png":
            if self.headers.get("Range"):  # not the bytes asked for: the start of the file again
                self.send_body(PNG, 206, {"Content-Range": f"bytes 0-{len(PNG) - 1}/{len(PNG)}"})
            elif COUNTS[path] == 1:
                self.send_response(200)
                self.send_header("Content-Length", str(len(PNG)))
                self.end_headers()
                self.wfile.write(PNG[:700])  # and the connection drops
                self.close_connection = True
            else:
                self.send_body(PNG)
        else:
            self.send_body(b"not found", 404)


@contextlib.contextmanager
def serving(tls: ssl.SSLContext | None = None) -> Iterator[int]:
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    if tls is not None:
        httpd.socket = tls.wrap_socket(httpd.socket, server_side=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield int(httpd.server_address[1])
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture(scope="module")
def port() -> Iterator[int]:
    with serving() as number:
        yield number


@pytest.fixture
def connections(monkeypatch: pytest.MonkeyPatch, port: int) -> list[str]:
    """Addresses downloads connect to; every connection really goes to the loopback server."""
    made: list[str] = []
    real = fetch._open_socket

    def open_socket(address: str, _port: int, timeout: float) -> socket.socket:
        made.append(address)
        return real("127.0.0.1", _port, timeout)

    monkeypatch.setattr(fetch, "_open_socket", open_socket)
    seen.clear()
    COUNTS.clear()
    return made


def resolver(*answers: list[str], calls: list[str] | None = None) -> Callable[[str, int], list[str]]:
    """A resolver giving ``answers`` in turn (the last one again after that)."""
    queue = list(answers)

    def resolve(host: str, port: int) -> list[str]:
        if calls is not None:
            calls.append(host)
        return queue.pop(0) if len(queue) > 1 else queue[0]

    return resolve


def policy(**changes: object) -> FetchPolicy:
    settings: dict[str, object] = {
        "hosts": {"media.example"},
        "resolve": resolver([PUBLIC]),
        "max_bytes": 4096,
        "timeout": 2.0,
        "retries": 2,
        "backoff": 0.05,
    }
    settings.update(changes)
    return FetchPolicy(**settings)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("address", "public"),
    [
        ("93.184.216.34", True),
        ("2606:4700:4700::1111", True),
        ("127.0.0.1", False),
        ("10.1.2.3", False),
        ("169.254.169.254", False),
        ("100.64.0.1", False),  # carrier-grade NAT
        ("192.88.99.1", False),  # 6to4 relay anycast
        ("0.0.0.0", False),
        ("240.0.0.1", False),
        ("224.0.0.251", False),
        ("233.252.0.1", False),  # multicast that Python calls global
        ("::1", False),
        ("::ffff:127.0.0.1", False),  # IPv4-mapped loopback
        ("::ffff:10.0.0.1", False),
        ("2002:7f00:1::1", False),  # 6to4 of 127.0.0.1
        ("fec0::1", False),  # site-local
        ("fe80::1%1", False),
        ("fd00::1", False),
        ("ff0e::1", False),
        ("not an address", False),
    ],
)
def test_only_global_unicast_addresses_are_public(address: str, public: bool) -> None:
    assert is_public(address) is public


def test_dns_rebinding_connects_to_the_address_checked(connections: list[str], port: int, tmp_path: Path) -> None:
    calls: list[str] = []
    rebinding = resolver([PUBLIC], ["127.0.0.1"], calls=calls)
    outcome = download(f"http://media.example:{port}/ok.png", str(tmp_path), policy(resolve=rebinding))
    assert outcome.status == "fetched", outcome.reason
    assert calls == ["media.example"]  # resolved once, however many steps the download has
    assert connections == [PUBLIC]
    assert seen == [("/ok.png", f"media.example:{port}")]  # the Host header still names the host
    assert (tmp_path / outcome.path).read_bytes() == PNG


def test_one_private_address_among_public_ones_is_refused(connections: list[str], port: int, tmp_path: Path) -> None:
    mixed = policy(resolve=resolver([PUBLIC, "10.0.0.7"]))
    outcome = download(f"http://media.example:{port}/ok.png", str(tmp_path), mixed)
    assert outcome.status == "failed" and "resolves to 10.0.0.7, which is not a public address" in outcome.reason
    assert connections == [] and seen == []


@pytest.mark.parametrize("address", ["::ffff:127.0.0.1", "100.64.0.1", "2002:a00:1::1", "fec0::1"])
def test_addresses_python_lists_apart_are_refused(
    connections: list[str], port: int, tmp_path: Path, address: str
) -> None:
    outcome = download(f"http://media.example:{port}/ok.png", str(tmp_path), policy(resolve=resolver([address])))
    assert outcome.status == "failed" and "not a public address" in outcome.reason
    assert connections == []


def test_every_redirect_hop_is_checked(connections: list[str], port: int, tmp_path: Path) -> None:
    def resolve(host: str, _port: int) -> list[str]:
        return [PUBLIC] if host == "media.example" else ["127.0.0.1"]

    hosts = {"media.example", "inner.example"}
    outcome = download(f"http://media.example:{port}/to-inner.png", str(tmp_path), policy(hosts=hosts, resolve=resolve))
    assert outcome.status == "failed" and "inner.example resolves to 127.0.0.1" in outcome.reason
    assert [path for path, _ in seen] == ["/to-inner.png"] and connections == [PUBLIC]


def test_user_information_is_refused_not_misread(connections: list[str], port: int, tmp_path: Path) -> None:
    named = download(f"http://user@media.example:{port}/ok.png", str(tmp_path), policy())
    assert named.status == "failed" and "user@host" in named.reason
    elsewhere = download(f"http://media.example@evil.example:{port}/ok.png", str(tmp_path), policy())
    assert elsewhere.status == "failed" and "user@host" in elsewhere.reason  # whichever host one reads
    assert connections == []


def test_https_names_the_host_to_the_server_and_checks_its_certificate(connections: list[str], tmp_path: Path) -> None:
    crypto = pytest.importorskip("cryptography.x509")
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    key = ec.generate_private_key(ec.SECP256R1())
    name = crypto.Name([crypto.NameAttribute(crypto.oid.NameOID.COMMON_NAME, "media.example")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        crypto.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(crypto.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(crypto.SubjectAlternativeName([crypto.DNSName("media.example")]), critical=False)
        .add_extension(crypto.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    pem = certificate.public_bytes(serialization.Encoding.PEM)
    (tmp_path / "cert.pem").write_bytes(pem)
    (tmp_path / "key.pem").write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    server_side = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_side.load_cert_chain(tmp_path / "cert.pem", tmp_path / "key.pem")
    names: list[str | None] = []
    server_side.sni_callback = lambda _sock, server_name, _context: names.append(server_name)  # type: ignore[assignment,func-returns-value]
    client = ssl.create_default_context(cadata=pem.decode())
    with serving(server_side) as tls_port:
        good = download(f"https://media.example:{tls_port}/ok.png", str(tmp_path / "a"), policy(tls=client))
        assert good.status == "fetched", good.reason
        assert names == ["media.example"] and connections == [PUBLIC]
        other = policy(hosts={"other.example"}, tls=client)
        bad = download(f"https://other.example:{tls_port}/ok.png", str(tmp_path / "b"), other)
        assert bad.status == "failed" and bad.reason.startswith("certificate:")


def test_a_slow_drip_stops_at_the_deadline(connections: list[str], port: int, tmp_path: Path) -> None:
    started = time.monotonic()
    # 60 bytes 0.1 s apart: each read is quick, the whole takes 6 s; the limit is 10 x 0.4 s. (A
    # read's timeout of 0.15 s against bytes 0.1 s apart failed on a loaded machine: the server's
    # thread woke late, and the read timed out before the deadline did.)
    outcome = download(f"http://media.example:{port}/drip.png", str(tmp_path), policy(timeout=0.4, retries=1))
    assert outcome.status == "failed" and "not done within 4 s" in outcome.reason, outcome.reason
    assert time.monotonic() - started < 5.5
    assert not list(tmp_path.rglob("*.png")) and not list(tmp_path.rglob("*.part"))


def test_an_explicit_deadline_covers_every_try(connections: list[str], port: int, tmp_path: Path) -> None:
    started = time.monotonic()
    outcome = download(f"http://media.example:{port}/drip.png", str(tmp_path), policy(deadline=0.5, retries=5))
    assert outcome.status == "failed" and "not done within 0.5 s" in outcome.reason
    assert time.monotonic() - started < 1.5


def test_the_streaming_limit_stops_a_response_without_length(connections: list[str], port: int, tmp_path: Path) -> None:
    outcome = download(f"http://media.example:{port}/chunked.png", str(tmp_path), policy())
    assert outcome.status == "failed" and outcome.reason == "over the limit of 4096 bytes"
    assert not any(p.is_file() for p in tmp_path.rglob("*"))


def test_the_announced_length_is_refused_before_reading(connections: list[str], port: int, tmp_path: Path) -> None:
    outcome = download(f"http://media.example:{port}/lying.png", str(tmp_path), policy())
    assert outcome.status == "failed" and outcome.reason == "1000000000 bytes is over the limit of 4096"
    assert COUNTS["/lying.png"] == 1  # refused, not tried again


@pytest.mark.parametrize("path", ["/superscript-length.png", "/long-length.png"])
def test_a_length_that_is_no_number_is_no_length(connections: list[str], port: int, tmp_path: Path, path: str) -> None:
    """A server is no more trusted than an export: "²" passes str.isdigit() and int() refuses it, as
    it refuses 5,000 digits; either stopped the download with a ValueError. The body is read to the
    connection's end, within the streaming limit."""
    outcome = download(f"http://media.example:{port}{path}", str(tmp_path), policy())
    assert outcome.status == "fetched", outcome.reason
    assert (tmp_path / outcome.path).read_bytes() == PNG


def test_query_variants_get_their_own_files(connections: list[str], port: int, tmp_path: Path) -> None:
    urls = [f"http://media.example:{port}/photo.png?w={w}" for w in (300, 1024)]
    outcomes = download_all(urls, str(tmp_path), policy(workers=2))
    assert [o.status for o in outcomes] == ["fetched", "fetched"]
    assert outcomes[0].path != outcomes[1].path
    for outcome, width in zip(outcomes, (300, 1024), strict=True):
        assert (tmp_path / outcome.path).read_bytes() == f"/photo.png?w={width}".encode() * 40


def test_downloads_to_one_name_never_mix(connections: list[str], port: int, tmp_path: Path) -> None:
    urls = [f"http://media.example:{port}/same.png", f"http://MEDIA.example:{port}/same.png"]
    assert local_path(urls[0]) == local_path(urls[1])  # the same file, spelled two ways
    outcomes = download_all(urls, str(tmp_path), policy(workers=2))
    assert [o.status for o in outcomes] == ["fetched", "fetched"]
    written = (tmp_path / outcomes[0].path).read_bytes()
    assert written in (b"A" * 300, b"B" * 300)
    assert sorted(COUNTS.items()) == [("/same.png", 2)]
    left = sorted(p.name for p in tmp_path.rglob("*") if p.is_file())
    assert len(left) == 2 and left[0].endswith(".complete")  # the file and its marker: no temporary file left


def test_a_resumed_range_must_continue_the_file(connections: list[str], port: int, tmp_path: Path) -> None:
    outcome = download(f"http://media.example:{port}/badrange.png", str(tmp_path), policy(retries=3))
    assert outcome.status == "fetched", outcome.reason
    assert (tmp_path / outcome.path).read_bytes() == PNG


@pytest.mark.parametrize(
    "present",
    [PNG[:100], b"x" * len(PNG), b""],
    ids=["short", "same-size-other-bytes", "empty"],
)
def test_a_file_already_there_is_downloaded_again_unless_marked_complete(
    connections: list[str], port: int, tmp_path: Path, present: bytes
) -> None:
    url = f"http://media.example:{port}/ok.png"
    target = tmp_path / local_path(url)
    target.parent.mkdir(parents=True)
    target.write_bytes(present)
    first = download(url, str(tmp_path), policy())
    assert first.status == "fetched" and target.read_bytes() == PNG
    again = download(url, str(tmp_path), policy())
    assert again.status == "skipped" and again.reason == "already downloaded" and COUNTS["/ok.png"] == 1
    target.write_bytes(present)  # changed since: the marker no longer matches
    third = download(url, str(tmp_path), policy())
    assert third.status == "fetched" and target.read_bytes() == PNG


def export(urls: list[str], title: str = "Post") -> str:
    images = "".join(f'<img src="{url}" />' for url in urls)
    return (
        '<rss xmlns:wp="http://wordpress.org/export/1.2/" xmlns:content="http://purl.org/rss/1.0/modules/content/">'
        "<channel><title>Media</title><link>http://media.example</link><wp:wxr_version>1.2</wp:wxr_version>"
        "<wp:base_site_url>http://media.example</wp:base_site_url>"
        f"<item><title>{title}</title><wp:post_id>10</wp:post_id><wp:post_type>post</wp:post_type>"
        f"<wp:status>publish</wp:status><content:encoded><![CDATA[{images}]]></content:encoded></item>"
        "</channel></rss>"
    )


def test_a_host_that_does_not_resolve_is_a_failure(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    def no_such_host(host: str, port: int) -> list[str]:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(fetch, "system_resolve", no_such_host)
    (tmp_path / "export.xml").write_text(export(["http://media.example/a.png"]), encoding="utf-8")
    result = CliRunner().invoke(main, ["media", str(tmp_path / "export.xml"), "--download", str(tmp_path / "m")])
    assert result.exit_code == 1
    assert "0 fetched, 0 skipped, 1 failed" in result.stderr
    assert "cannot resolve media.example: Name or service not known" in result.stderr


def test_control_characters_from_the_export_are_shown_not_sent(tmp_path: Path) -> None:
    # XML 1.0 forbids ESC itself; C1 controls (CSI is U+009B) and bidi overrides it allows.
    hostile = ["http://media.example/a\u009b2Jb.png", "http://other.example/\u202egnp.exe.png"]
    (tmp_path / "export.xml").write_text(export(hostile, "T\u009d0;title\u009c"), encoding="utf-8")
    runner = CliRunner()
    listing = runner.invoke(main, ["media", str(tmp_path / "export.xml")])
    assert listing.exit_code == 0
    assert "http://media.example/a\\x9b2Jb.png\tcontent\t10" in listing.stdout
    assert "\\u202egnp.exe.png" in listing.stdout
    as_json = runner.invoke(main, ["media", str(tmp_path / "export.xml"), "--json"])
    assert "a\\u009b2Jb.png" in as_json.stdout and "\\u202e" in as_json.stdout
    account = runner.invoke(main, ["media", str(tmp_path / "export.xml"), "--download", str(tmp_path / "m"), "-q"])
    assert "\u009b" not in account.stderr and "\u202e" not in account.stderr
    noisy = runner.invoke(main, ["media", str(tmp_path / "export.xml"), "--download", str(tmp_path / "m")])
    assert "failed: http://other.example/\\u202egnp.exe.png" in noisy.stderr
    for output in (listing.stdout, as_json.stdout, noisy.stderr):
        assert not any(0x80 <= ord(ch) <= 0x9F or ch in "\u202e\x1b" for ch in output)


def test_a_host_with_no_address_is_a_failure(connections: list[str], port: int, tmp_path: Path) -> None:
    outcome = download(f"http://media.example:{port}/ok.png", str(tmp_path), policy(resolve=resolver([])))
    assert outcome.status == "failed" and outcome.reason == "cannot resolve media.example: no address"
    assert connections == []


def test_a_file_exactly_at_the_limit_is_fetched(connections: list[str], port: int, tmp_path: Path) -> None:
    fetched = download(f"http://media.example:{port}/ok.png", str(tmp_path / "a"), policy())
    assert fetched.status == "fetched"
    size = (tmp_path / "a" / fetched.path).stat().st_size
    exact = download(f"http://media.example:{port}/ok.png", str(tmp_path / "b"), policy(max_bytes=size))
    assert exact.status == "fetched", exact.reason
    over = download(f"http://media.example:{port}/ok.png", str(tmp_path / "c"), policy(max_bytes=size - 1))
    assert over.status == "failed" and "over the limit" in over.reason
