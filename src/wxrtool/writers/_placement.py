"""``--media DIR``: each post's downloaded media placed with it, its links pointing there.

``DIR`` is what ``wxrtool media --download DIR`` filled (``<host>/<path>``). For
every media URL a post uses (in its content, galleries included, and as its
featured image), a downloaded copy is copied next to the post, where the writer
wants it, and every occurrence of the URL in the post's file is replaced by the
local link. A URL with no downloaded copy is kept as it was and listed in the
account, so nothing is lost or broken silently.
"""

from __future__ import annotations

import os
import posixpath
from urllib.parse import quote, unquote, urlsplit

from ..content import Context, render_post_html
from ..media import local_path, urls_in_html
from ..output import OutputDir
from ..quirks import thumbnail_id
from ..records import Post
from .paths import safe_component
from .protocol import WriteOptions, WriteResult


def media_urls(post: Post, options: WriteOptions) -> list[str]:
    """The media URLs a post uses, in order: content (galleries rendered) and featured image."""
    context = Context(post_id=post.id, attachments=options.index.attachments)
    urls = urls_in_html(render_post_html(post.content_html, context), post.link)
    thumbnail = thumbnail_id(post)
    if thumbnail is not None and thumbnail in options.index.attachments:
        featured = options.index.attachments[thumbnail].url
        if featured not in urls:
            urls.append(featured)
    return urls


def localize(
    post: Post,
    text: str,
    options: WriteOptions,
    out: OutputDir,
    folder: str,
    link: str,
    result: WriteResult,
    language: str = "",
    served: str | None = None,
) -> str:
    """Copy the post's downloaded media into ``folder`` (inside ``out``) and point ``text`` at it.

    ``link`` is how the written file refers to ``folder`` (``""`` for beside it); what was
    placed and what was not found are added to ``result``. With ``language``, each file's name
    says it before its extension (``photo.fr.jpg``): Hugo publishes a translation's bundle's
    files only when they name its language. ``served``: the path the new site serves ``folder``
    at, from its root (``/assets/media/12/``), for the redirect from each file's old address
    (``result.media_moved``); ``None`` for an output that is no site.
    """
    if not options.media_dir:
        return text
    taken: set[str] = set()
    media_root = os.path.realpath(options.media_dir)
    for url in sorted(media_urls(post, options), key=len, reverse=True):  # longest first: no prefix clashes
        source = os.path.join(options.media_dir, local_path(url))
        # A regular file of the folder itself: not a link to one elsewhere (~/.ssh/id_rsa).
        if os.path.islink(source) or not os.path.isfile(source) or not _inside(source, media_root):
            result.media_missing.setdefault(url, post.id)
            continue
        name = safe_component(unquote(posixpath.basename(urlsplit(url).path)), "file")
        stem, extension = posixpath.splitext(name)
        if language:
            name = f"{stem}.{language}{extension}"
        n = 2
        while name.lower() in taken:
            name, n = f"{stem}-{n}{'.' + language if language else ''}{extension}", n + 1
        taken.add(name.lower())
        try:
            out.copy_file(source, posixpath.join(folder, name) if folder else name)
        except (FileExistsError, IsADirectoryError, NotADirectoryError):
            # The name is another page's folder (a child page slugged like the file): the
            # link stays as it was, listed, and the conversion goes on.
            result.media_missing.setdefault(url, post.id)
            continue
        result.media_placed[url] += 1
        if served is not None and url not in result.media_moved:
            result.media_moved[url] = served + quote(name)
        # The name as a URL path: ")" "#" "%" "[" in a file name would end or bend the link.
        text = text.replace(url, f"{link}{quote(name)}")
    return text


def _inside(path: str, folder: str) -> bool:
    return os.path.realpath(path).startswith(folder.rstrip(os.sep) + os.sep)
