"""``wxrtool check-urls``: every old address asked of the new site."""

from __future__ import annotations

import json
import os
import sys
import time

import click

from ..errors import WXRError
from ..terminal import json_safe, printable
from .options import (
    EXAMPLES,
    bar,
    max_item_size,
)


@click.command("check-urls", epilog=EXAMPLES)
@click.argument("file", metavar="EXPORT")
@click.argument("site", metavar="SITE")
@click.option(
    "--redirects",
    "redirect_file",
    default=None,
    metavar="FILE",
    help="Apply this redirect map (wxrtool's --redirects netlify or csv) when serving a folder.",
)
@click.option(
    "--kinds",
    default="items,archives,feeds",
    show_default=True,
    metavar="KIND[,KIND]",
    help="Which old addresses to ask for: items (permalinks, ?p=ID, old slugs, a paged post's pages), archives, feeds.",
)
@click.option(
    "--base-url",
    default=None,
    metavar="URL",
    help="The new site's address, as given to convert --base-url: a folder SITE built for a folder"
    " (https://user.github.io/blog/) is served under it.",
)
@click.option("--json", "as_json", is_flag=True, help="Print every address and where it landed as JSON.")
@click.option("--recover", is_flag=True, help="Repair a damaged export as it is read.")
@max_item_size
@click.option("-q", "--quiet", is_flag=True, help="No progress or summary on stderr.")
def check_urls_command(
    file: str,
    site: str,
    redirect_file: str | None,
    kinds: str,
    base_url: str | None,
    as_json: bool,
    recover: bool,
    quiet: bool,
) -> None:
    """Ask the new site for every old address of EXPORT and say where each lands.

    SITE is a built site's folder (Hugo's public/, Jekyll's _site/, Pelican's output/),
    served on a loopback port while the check runs, or the base URL of a running server.
    Each address is found (200), redirected (to where), or missing; an item's address
    must reach that item's page. Exit status 1 when any address is missing.
    """
    from contextlib import nullcontext

    from ..newsite import check_base_url
    from ..oldurls import GROUPS, old_addresses
    from ..read import Reader
    from ..redirects import site_folder
    from ..urlcheck import Check, RedirectRules, StaticSite, check_all, decoded, summary, unanswered, unbuilt

    wanted = {k.strip() for k in kinds.split(",") if k.strip()}
    unknown = wanted - set(GROUPS)
    if unknown or not wanted:
        raise click.UsageError(f"--kinds: choose from {', '.join(GROUPS)} (not {', '.join(sorted(unknown)) or 'none'})")
    chosen = {kind for group in wanted for kind in GROUPS[group]}
    is_url = site.startswith(("http://", "https://"))
    if is_url and redirect_file:
        raise click.UsageError("--redirects applies to a folder SITE; a running server applies its own")
    if is_url and base_url:
        raise click.UsageError("--base-url applies to a folder SITE; a running server is asked at its own address")
    if not is_url and not os.path.isdir(site):
        what = "a file, not a folder" if os.path.exists(site) else "no such folder"
        raise click.UsageError(f"{site}: {what} (SITE is a built site's folder or an http(s) address)")
    if not is_url and (sources := unbuilt(site)) is not None:
        raise click.UsageError(sources)
    if is_url and (silent := unanswered(site)) is not None:
        raise WXRError(f"nothing answers at {site}: {silent}", hint="start the new site's server, or give its folder")
    rules = RedirectRules.read(redirect_file) if redirect_file else None
    addresses = [a for a in old_addresses(Reader(file, recover=recover)) if a.kind in chosen]
    show = not quiet and sys.stderr.isatty()
    done = not_ok = 0
    shown = 0.0

    def progress(result: Check) -> None:
        # A bar on a terminal, drawn at most ten times a second (and for the last address).
        nonlocal done, not_ok, shown
        done += 1
        not_ok += not result.ok
        if show and (time.monotonic() - shown >= 0.1 or done == len(addresses)):
            shown = time.monotonic()
            line = f"{bar(done / max(len(addresses), 1))} {done}/{len(addresses)} addresses, {not_ok} not found"
            click.echo(f"\r{line}\x1b[K", err=True, nl=False)

    folder = site_folder(check_base_url(base_url)) if base_url else ""
    with nullcontext(site) if is_url else StaticSite(site, rules, folder) as served:
        base = served if isinstance(served, str) else served.url
        results = check_all(addresses, base, progress)
    if show:
        click.echo("\r\x1b[K", err=True, nl=False)
    if as_json:
        document = {"site": site, "summary": summary(results), "addresses": [r.to_json() for r in results]}
        click.echo(json_safe(json.dumps(document, ensure_ascii=False, indent=2)))
    if not quiet:
        for result in results:
            if not result.ok:
                where = f" (at {printable(decoded(result.final))})" if result.final != result.address.url else ""
                click.echo(
                    f"  {result.outcome}: {printable(decoded(result.address.url))} [{result.address.kind}]{where}:"
                    f" {printable(result.reason)}",
                    err=True,
                )
        counts = summary(results)
        click.echo("wxrtool: " + ", ".join(f"{n} {outcome}" for outcome, n in counts.items()), err=True)
    if any(not r.ok for r in results):
        raise SystemExit(1)
