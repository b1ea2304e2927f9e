"""Which addresses WordPress shows as embeds, and what each is (a YouTube video, a post on X).

WordPress asks a provider for a player when a post names a URL of one of its oEmbed
providers (``WP_oEmbed::__construct()``, wp-includes/class-wp-oembed.php); a static copy
cannot ask, so :func:`find_embed` says what was there, with the ids an engine's own embed
needs (Hugo's ``youtube``, ``vimeo``, ``x``), each checked against a strict form so that
nothing from an export reaches an engine's parameters. How an embed is shown is
:func:`.shortcodes.embed_html`; where WordPress makes one from a bare URL, :mod:`.autoembed`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit


@dataclass(frozen=True)
class Embed:
    """A URL WordPress showed as an embed (a player, a post card), as :func:`find_embed` reads it.

    ``label`` says what it is for a reader ("YouTube video"). ``provider`` is set for the
    providers engines have their own embed for (``youtube``, ``vimeo``, ``x``); ``id`` and
    ``user`` are then what the URL names, each checked against :data:`YOUTUBE_ID`,
    :data:`VIMEO_ID`, :data:`X_USER` and :data:`X_ID` (empty when it does not match), and
    ``url`` is the address rebuilt from them; otherwise ``url`` is the URL as given.
    """

    url: str
    label: str
    provider: str = ""
    id: str = ""
    user: str = ""


EngineEmbed = Callable[[Embed], "str | None"]


# WordPress's oEmbed providers (WP_oEmbed::__construct() in wp-includes/class-wp-oembed.php,
# WordPress 6.1), each with what a reader saw there. WordPress matches these anywhere in
# the URL; here they must match from its start, so that a link elsewhere that merely
# mentions youtube.com is not labelled a YouTube video. x.com is the address Twitter
# took in 2023 (Jetpack embeds it as twitter.com).
# "{sub}" stands for a subdomain: WordPress's ".+\." would read past the host.
_SUBDOMAIN = r"[^/?#\\@\s]+\."
_PROVIDERS: tuple[tuple[str, str, str], ...] = (
    (r"https?://((m|www)\.)?youtube\.com/playlist", "YouTube playlist", ""),
    (r"https?://((m|www)\.)?youtube\.com/(watch|shorts/)", "YouTube video", "youtube"),
    (r"https?://youtu\.be/", "YouTube video", "youtube"),
    # wp_maybe_load_embeds() (wp-includes/embed.php): youtube.com/embed/ID and /v/ID as watch?v=ID.
    (r"https?://(www\.)?youtube\.com/(?:v|embed)/[^/]", "YouTube video", "youtube"),
    (r"https?://({sub})?vimeo\.com/", "Vimeo video", "vimeo"),
    (r"https?://((www\.)?dailymotion\.com|dai\.ly)/", "Dailymotion video", ""),
    (r"https?://((www\.)?flickr\.com|flic\.kr)/", "Flickr photo", ""),
    (r"https?://({sub})?smugmug\.com/", "SmugMug photo", ""),
    (r"https?://(www\.)?scribd\.com/(doc|document)/", "Scribd document", ""),
    (r"https?://wordpress\.tv/", "WordPress.tv video", ""),
    (r"https?://(({sub})?polldaddy\.com|poll\.fm)/", "Crowdsignal poll", ""),
    (r"https?://({sub})?survey\.fm/", "Crowdsignal survey", ""),
    (r"https?://(www\.)?(twitter|x)\.com/\w{1,15}/status(es)?/", "Post on X (Twitter)", "x"),
    (
        r"https?://(www\.)?(twitter|x)\.com/(\w{1,15}(/likes)?$|\w{1,15}/(lists|timelines)/|i/moments/)",
        "X (Twitter) timeline",
        "",
    ),
    (r"https?://(www\.)?soundcloud\.com/", "SoundCloud audio", ""),
    (r"https?://({sub})?slideshare\.net/", "SlideShare presentation", ""),
    (r"https?://(open|play)\.spotify\.com/", "Spotify audio", ""),
    (r"https?://({sub})?imgur\.com/", "Imgur image", ""),
    (r"https?://(www\.)?issuu\.com/.+/docs/.", "Issuu publication", ""),
    (r"https?://(www\.)?mixcloud\.com/", "Mixcloud audio", ""),
    (r"https?://(www\.|embed\.)?ted\.com/talks/", "TED talk", ""),
    (r"https?://(www\.)?(animoto|video214)\.com/play/", "Animoto video", ""),
    (r"https?://{sub}tumblr\.com/", "Tumblr post", ""),
    (r"https?://((www\.)?kickstarter\.com/projects|kck\.st)/", "Kickstarter project", ""),
    (r"https?://cloudup\.com/", "Cloudup file", ""),
    (r"https?://(www\.)?reverbnation\.com/", "ReverbNation music", ""),
    (r"https?://videopress\.com/v/", "VideoPress video", ""),
    (r"https?://(www\.)?reddit\.com/r/[^/]+/comments/", "Reddit post", ""),
    (r"https?://(www\.)?speakerdeck\.com/", "Speaker Deck presentation", ""),
    (r"https?://(www\.)?screencast\.com/", "Screencast video", ""),
    (
        r"https?://(([a-z0-9-]+\.)?amazon\.(com|com\.mx|com\.br|ca|co\.uk|de|fr|it|es|in|nl|ru|co\.jp|com\.au|cn)"
        r"|(www\.)?(a\.co|amzn\.to|amzn\.eu|amzn\.in|amzn\.asia|z\.cn))/",
        "Amazon Kindle preview",
        "",
    ),
    (r"https?://(www\.someecards\.com/(.+-cards/|usercards/viewcard/).|some\.ly/.)", "Someecards card", ""),
    (r"https?://(www\.)?tiktok\.com/.*/video/", "TikTok video", ""),
    (r"https?://([a-z]{2}|www)\.pinterest\.com(\.(au|mx))?/", "Pinterest pin", ""),
    (r"https?://(www\.)?wolframcloud\.com/obj/.", "Wolfram Cloud notebook", ""),
    (r"https?://pca\.st/.", "Pocket Casts episode", ""),
)
_PROVIDER = [(re.compile(p.replace("{sub}", _SUBDOMAIN), re.I), label, provider) for p, label, provider in _PROVIDERS]
# wp_maybe_load_embeds(): a URL ending in an audio or video extension (wp_get_audio_extensions(),
# wp_get_video_extensions()) becomes an [audio] or [video] player, before any provider is asked.
_MEDIA_FILE = re.compile(r"https?://.+?\.(?:(mp3|ogg|flac|m4a|wav)|mp4|m4v|webm|ogv|flv)\Z", re.I | re.S)

YOUTUBE_ID = re.compile(r"[A-Za-z0-9_-]{11}")
"""A YouTube video id, as engines may be given it (``fullmatch``)."""
VIMEO_ID = re.compile(r"[0-9]{1,20}")
"""A Vimeo video id (``fullmatch``)."""
X_USER = re.compile(r"[A-Za-z0-9_]{1,15}")
"""An X (Twitter) user name (``fullmatch``)."""
X_ID = re.compile(r"[0-9]{1,20}")
"""An X (Twitter) post id (``fullmatch``)."""
_YOUTUBE_PATH = re.compile(r"/(?:embed|v|shorts)/([^/]*)/?")
_VIMEO_PATH = re.compile(r"/(?:channels/[^/]+/|groups/[^/]+/videos/)?([^/]*)/?")
_X_PATH = re.compile(r"/([^/]*)/status(?:es)?/([^/]*)(?:/.*)?", re.S)


def find_embed(url: str) -> Embed | None:
    """What WordPress would embed for ``url`` from its oEmbed provider list, or ``None``.

    >>> found = find_embed("https://youtu.be/dQw4w9WgXcQ?t=1")
    >>> found.label, found.provider, found.id, found.url
    ('YouTube video', 'youtube', 'dQw4w9WgXcQ', 'https://www.youtube.com/watch?v=dQw4w9WgXcQ')
    >>> find_embed("https://wordpress.tv/2018/10/14/talk/").label
    'WordPress.tv video'
    >>> find_embed("https://example.com/watch?v=dQw4w9WgXcQ") is None
    True
    """
    known = next(((label, provider) for pattern, label, provider in _PROVIDER if pattern.match(url)), None)
    if known is None:
        return None
    label, provider = known
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
    except ValueError:  # (an unclosed "[" in the host)
        return Embed(url, label)
    if provider == "youtube":
        if host == "youtu.be":
            video = parts.path[1:]
        elif parts.path == "/watch":
            video = parse_qs(parts.query).get("v", [""])[0]
        else:
            m = _YOUTUBE_PATH.fullmatch(parts.path)
            video = m.group(1) if m else ""
        if YOUTUBE_ID.fullmatch(video) and host in ("youtu.be", "youtube.com", "www.youtube.com", "m.youtube.com"):
            return Embed(f"https://www.youtube.com/watch?v={video}", label, provider, video)
    elif provider == "vimeo":
        m = _VIMEO_PATH.fullmatch(parts.path)
        if host == "player.vimeo.com":
            m = re.fullmatch(r"/video/([^/]*)/?", parts.path)
        # (An unlisted video's address carries a hash too, which the engines' embeds cannot take.)
        elif host not in ("vimeo.com", "www.vimeo.com") or "h=" in parts.query:
            m = None
        if m and VIMEO_ID.fullmatch(m.group(1)):
            return Embed(f"https://vimeo.com/{m.group(1)}", label, provider, m.group(1))
    elif provider == "x":
        m = _X_PATH.fullmatch(parts.path)
        if m and X_USER.fullmatch(m.group(1)) and X_ID.fullmatch(m.group(2)):
            user, post = m.group(1), m.group(2)
            return Embed(f"https://x.com/{user}/status/{post}", label, provider, post, user)
    return Embed(url, label)


def media_player(url: str) -> str | None:
    """``"audio"`` or ``"video"`` for the URL of a media file WordPress plays, else ``None``.

    >>> media_player("https://example.com/a.mp3"), media_player("https://example.com/a.mp3.html")
    ('audio', None)
    """
    media = _MEDIA_FILE.match(url)
    return None if media is None else "audio" if media.group(1) else "video"


def wordpress_embeds(url: str) -> bool:
    """Whether WordPress shows ``url`` as an embed: a provider's, or a player for a media file.

    >>> wordpress_embeds("https://vimeo.com/1"), wordpress_embeds("https://example.com/a.mp3")
    (True, True)
    """
    url = url.strip()
    return _MEDIA_FILE.match(url) is not None or find_embed(url) is not None
