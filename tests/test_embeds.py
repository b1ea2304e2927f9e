"""Embeds as WordPress showed them: a URL alone on its line in a classic post, ``[embed]``,
Jetpack's ``[youtube]`` and embed blocks, shown one way (``shortcodes.embed_html``; which URLs: ``embeds``):
Hugo's own shortcodes for YouTube, Vimeo and X, a link that says what it is elsewhere.

WordPress's rule is ``WP_Embed::autoembed()`` (wp-includes/class-wp-embed.php).
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import lxml.html
import pytest

import wxrtool
from wxrtool.content import Context, comment_markdown, post_markdown
from wxrtool.content.embeds import Embed, find_embed
from wxrtool.writers.hugo import escape_shortcodes, hugo_embed

YOUTUBE = "https://www.youtube.com/watch?v=dQw4w9WgXcQ"
VIMEO = "https://vimeo.com/55073825"
TWEET = "https://twitter.com/SanDiegoZoo/status/1453110110599868418"
WORDPRESS_TV = "https://wordpress.tv/2018/10/14/a-talk/"


def hugo_markdown(content: str) -> str:
    """A post's body as the Hugo writer makes it (hugo.render without the record)."""
    context = Context(engine_embed=hugo_embed)
    return context.put_back(escape_shortcodes(post_markdown(content, context)))


# -- classic content: what stands alone on its line ---------------------------------------


@pytest.mark.parametrize(
    "content",
    [
        f"Before.\n\n{YOUTUBE}\n\nAfter.",
        f"Before.\n  {YOUTUBE} \nAfter.",  # a line of its own within a paragraph, spaces around
        f"Before.\n\n<p>{YOUTUBE}</p>\n\nAfter.",  # WordPress's second form: alone in a <p>
        f'Before.\n\n<p class="x">\n{YOUTUBE}\n</p>\n\nAfter.',
    ],
)
def test_a_url_alone_on_its_line_is_an_embed_link(content: str) -> None:
    assert post_markdown(content) == f"Before.\n\nYouTube video: <{YOUTUBE}>\n\nAfter."


def test_the_same_embed_as_the_shortcode_and_the_block() -> None:
    block = (
        f'<!-- wp:embed {{"url":"{YOUTUBE}","providerNameSlug":"youtube"}} -->\n<figure class="wp-block-embed">'
        f'<div class="wp-block-embed__wrapper">\n{YOUTUBE}\n</div></figure>\n<!-- /wp:embed -->'
    )
    shown = f"YouTube video: <{YOUTUBE}>"
    assert post_markdown(YOUTUBE) == post_markdown(f"[embed]{YOUTUBE}[/embed]") == shown
    assert post_markdown(f"[youtube={YOUTUBE}]") == post_markdown(block) == shown
    assert hugo_markdown(block) == hugo_markdown(YOUTUBE) == "{{< youtube dQw4w9WgXcQ >}}"
    assert post_markdown(WORDPRESS_TV) == f"WordPress.tv video: <{WORDPRESS_TV}>"


@pytest.mark.parametrize(
    "content",
    [
        f"Watch {YOUTUBE} now",  # inside a sentence
        f"Watch\n{YOUTUBE} now",
        f"<pre>\n{YOUTUBE}\n</pre>",
        f"<code>\n{YOUTUBE}\n</code>",
        f'<a href="{YOUTUBE}">{YOUTUBE}</a>',
        f'<a href="{YOUTUBE}">\n{YOUTUBE}\n</a>',
        f'<img alt="a\n{YOUTUBE}\nb" src="x.png">',  # a line break inside a tag does not end a line
        f"<!--\n{YOUTUBE}\n-->",
        f"[code]\n{YOUTUBE}\n[/code]",
    ],
)
def test_not_in_a_sentence_code_a_link_or_a_tag(content: str) -> None:
    assert "YouTube video" not in post_markdown(content)
    assert "{{<" not in hugo_markdown(content).replace("{{</*", "")


def test_a_url_no_provider_knows_stays_text() -> None:
    # autoembed_callback() turns linkifunknown off: WordPress left the URL as it was.
    assert post_markdown("Before.\n\nhttps://example.com/page\n\nAfter.") == (
        "Before.\n\nhttps://example.com/page\n\nAfter."
    )
    # (and a host that only starts like a provider's is not one)
    assert find_embed("https://youtube.com.example.org/watch?v=dQw4w9WgXcQ") is None
    assert find_embed("https://example.org/?a.vimeo.com/1") is None
    assert find_embed("https://example.org/www.youtube.com/embed/dQw4w9WgXcQ") is None


def test_a_media_file_alone_on_its_line_is_a_player() -> None:
    assert post_markdown("https://example.com/a/song.mp3") == (
        '<audio controls=""><source src="https://example.com/a/song.mp3"></audio>'
    )


def test_block_content_and_comments_are_not_autoembedded() -> None:
    paragraph = f"<!-- wp:paragraph -->\n<p>{YOUTUBE}</p>\n<!-- /wp:paragraph -->"
    assert post_markdown(paragraph) == YOUTUBE.replace("_", "\\_")
    # WordPress runs autoembed on the_content only; a comment's URL is made a link.
    assert comment_markdown(YOUTUBE) == f"<{YOUTUBE}>"


# -- Hugo: its own shortcodes ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "shortcode"),
    [
        (YOUTUBE, "{{< youtube dQw4w9WgXcQ >}}"),
        ("http://youtu.be/dQw4w9WgXcQ?t=42", "{{< youtube dQw4w9WgXcQ >}}"),
        ("https://m.youtube.com/watch?feature=share&v=dQw4w9WgXcQ", "{{< youtube dQw4w9WgXcQ >}}"),
        ("https://www.youtube.com/embed/dQw4w9WgXcQ", "{{< youtube dQw4w9WgXcQ >}}"),
        ("https://www.youtube.com/shorts/dQw4w9WgXcQ", "{{< youtube dQw4w9WgXcQ >}}"),
        (VIMEO, "{{< vimeo 55073825 >}}"),
        ("https://vimeo.com/channels/staffpicks/55073825", "{{< vimeo 55073825 >}}"),
        ("https://player.vimeo.com/video/55073825", "{{< vimeo 55073825 >}}"),
    ],
)
def test_hugo_gets_its_shortcodes(url: str, shortcode: str) -> None:
    assert hugo_markdown(f"Before.\n\n{url}\n\nAfter.") == f"Before.\n\n{shortcode}\n\nAfter."
    assert hugo_markdown(f"[embed]{url}[/embed]") == shortcode
    assert hugo_markdown(f"<blockquote>[embed]{url}[/embed]</blockquote>") == "> " + shortcode


@pytest.mark.parametrize(
    "url",
    [
        WORDPRESS_TV,
        "https://www.youtube.com/playlist?list=PL123",
        "https://vimeo.com/55073825/a1b2c3d4e5",  # unlisted: the hash the shortcode cannot take
        "https://twitter.com/SanDiegoZoo",
    ],
)
def test_hugo_links_what_it_has_no_shortcode_for(url: str) -> None:
    label = find_embed(url)
    assert label is not None
    assert hugo_markdown(url) == post_markdown(url) == f"{label.label}: <{url}>"


def test_where_a_shortcode_cannot_stand_the_embed_is_its_link() -> None:
    # In code, or in a table cell, the shortcode would not be a block: the link stands in.
    assert hugo_markdown(f"<pre>[embed]{YOUTUBE}[/embed]</pre>") == f"```\nYouTube video: <{YOUTUBE}>\n```"
    cell = hugo_markdown(f"<table><tr><th>video</th></tr><tr><td>[embed]{VIMEO}[/embed]</td></tr></table>")
    assert f"| Vimeo video: <{VIMEO}> |" in cell and "{{<" not in cell


# -- hostile exports --------------------------------------------------------------------------

HOSTILE = [
    '{{< youtube dQw4w9WgXcQ >}} {{% x user="a" id="1" %}}',
    "https://www.youtube.com/watch?v=dQw4w9WgXcQ%22%20%3E%7D%7D%7B%7B%3C%20x",  # quotes and >}} in the id
    'https://www.youtube.com/watch?v=dQw4w9WgXcQ"',
    "https://youtu.be/dQw4w9WgXcQ%0A%7B%7B%3C",
    "https://www.youtube.com/watch?v=dQw4w9WgXcQ%26start%3D1",  # a parameter inside the id
    "https://vimeo.com/55073825%20loading=lazy",
    "https://twitter.com/a%22%20id=%221/status/1",
    "https://x.com/SanDiegoZoo/status/1453110110599868418%22",
    "https://twitter.com/\u0662\u0663/status/1",  # (Unicode letters \\w would take)
    "https://twitter.com/a/status/\u0661\u0662",  # (Unicode digits \\d would take)
    '[embed]https://youtu.be/dQw4w9WgXcQ&#10;{{< x user="evil" >}}[/embed]',  # a newline, then a shortcode
    '[embed]https://youtu.be/dQw4w9WgXcQ" >}}{{< x user="evil" id="1[/embed]',
]


@pytest.mark.parametrize("content", HOSTILE)
def test_nothing_from_the_export_reaches_a_shortcode(content: str) -> None:
    markdown = hugo_markdown(f"Before.\n\n{content}\n\nAfter.")
    # Every shortcode left is escaped: {{</* ... */>}} shows as text.
    assert re.findall(r"\{\{[<%](?!/\*)", markdown) == []
    # The URL is read strictly, and Hugo's shortcode checks again what it is given.
    url = content.removeprefix("[embed]").removesuffix("[/embed]")
    found = find_embed(url.replace("&#10;", "\n"))
    assert found is None or (found.id, found.user) == ("", "")


@pytest.mark.parametrize("url", [TWEET, "https://x.com/SanDiegoZoo/status/1453110110599868418?s=20"])
def test_a_post_on_x_is_a_link_in_hugo_too(url: str) -> None:
    """Hugo's x shortcode asks X for the post as the site is built: offline, or for a deleted post,
    it showed nothing (a warning Hugo's --quiet hid). The link stays, as every engine has it."""
    assert hugo_markdown(url) == f"Post on X (Twitter): <{url}>" and "{{" not in hugo_markdown(url)


@pytest.mark.parametrize(
    ("provider", "id_", "user"),
    [
        ("youtube", 'dQw4w9WgXc"', ""),
        ("youtube", "dQw4w9WgXcQ >}}", ""),
        ("vimeo", "1 x=y", ""),
        ("vimeo", "", ""),
        ("x", "1", 'a" id="2'),
        ("x", "1\n", "a"),
        ("x", "1", "a_very_long_name_"),
        ("x", "1", ""),
    ],
)
def test_hugo_checks_what_it_is_given(provider: str, id_: str, user: str) -> None:
    assert hugo_embed(Embed("https://example.com/", "Video", provider, id_, user)) is None


def test_the_stand_in_cannot_be_spelled_by_the_export(monkeypatch: pytest.MonkeyPatch) -> None:
    first, second = Context(engine_embed=hugo_embed), Context(engine_embed=hugo_embed)
    assert first.hold("a", "b") != second.hold("a", "b")  # drawn per conversion
    spelled = "WXRTOOLEMBED0123456789abcdefN0X"
    assert hugo_markdown(f"{spelled}\n\n{YOUTUBE}") == f"{spelled}\n\n{{{{< youtube dQw4w9WgXcQ >}}}}"
    # Even knowing the random part, the export only reaches what was held: a checked embed.
    monkeypatch.setattr("secrets.token_hex", lambda n: "0" * (2 * n))
    known = "WXRTOOLEMBED" + "0" * 16 + "N"
    shortcode = "{{< youtube dQw4w9WgXcQ >}}"
    assert hugo_markdown(f"{known}7X\n\n{known}0X\n\n{YOUTUBE}") == f"{known}7X\n\n{shortcode}\n\n{shortcode}"


# -- the real engine ----------------------------------------------------------------------------


def export(path: Path, posts: dict[str, str]) -> Path:
    def cdata(text: str) -> str:
        return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"

    items = "".join(
        f"<item><title>{slug}</title><link>https://example.com/{slug}/</link>"
        f"<content:encoded>{cdata(content)}</content:encoded>"
        f"<wp:post_id>{n}</wp:post_id><wp:post_date>2024-01-0{n} 10:00:00</wp:post_date>"
        f"<wp:post_date_gmt>2024-01-0{n} 10:00:00</wp:post_date_gmt><wp:post_name>{slug}</wp:post_name>"
        "<wp:status>publish</wp:status><wp:post_type>post</wp:post_type></item>"
        for n, (slug, content) in enumerate(posts.items(), 1)
    )
    path.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0" xmlns:wp="http://wordpress.org/export/1.2/"'
        ' xmlns:content="http://purl.org/rss/1.0/modules/content/">'
        "<channel><title>Embeds</title><link>https://example.com</link><wp:wxr_version>1.2</wp:wxr_version>"
        f"{items}</channel></rss>",
        encoding="utf-8",
    )
    return path


def test_hugo_builds_the_players(hugo: str, tmp_path: Path) -> None:
    posts = {
        "players": f"Before.\n\n{YOUTUBE}\n\n{VIMEO}\n\n{TWEET}\n\n{WORDPRESS_TV}\n\nAfter.",
        "hostile": "\n\n".join(HOSTILE),
    }
    site = tmp_path / "site"
    wxrtool.convert(export(tmp_path / "e.xml", posts), "hugo", str(site), scaffold=True)
    proc = subprocess.run(
        [hugo, "--source", str(site), "--destination", str(site / "public")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    warnings = [line for line in (proc.stdout + proc.stderr).splitlines() if line.startswith(("WARN", "ERROR"))]
    page = lxml.html.parse(str(site / "public" / "posts" / "players" / "index.html")).getroot()
    sources = [frame.get("src") for frame in page.iter("iframe")]
    assert sources[0].startswith("https://www.youtube.com/embed/dQw4w9WgXcQ?")
    assert sources[1].startswith("https://player.vimeo.com/video/55073825?")
    # A post on X is its link (Hugo's x shortcode asked X as it built, and showed nothing offline).
    assert warnings == [] and page.xpath(f'//a[@href="{TWEET}"]')
    assert page.xpath(f'//a[@href="{WORDPRESS_TV}"]')
    assert "WordPress.tv video:" in page.text_content()
    hostile = (site / "public" / "posts" / "hostile" / "index.html").read_text()
    assert "<iframe" not in hostile and "twitter-tweet" not in hostile
    assert "{{&lt; youtube dQw4w9WgXcQ &gt;}}" in hostile  # the export's own text, shown as written


# -- Jetpack's and WordPress.com's embed shortcodes -------------------------------------------


@pytest.mark.parametrize(
    ("content", "shown"),
    [
        ("[vimeo 55073825]", f"Vimeo video: <{VIMEO}>"),
        (f"[vimeo {VIMEO}]", f"Vimeo video: <{VIMEO}>"),
        ("[vimeo id=55073825 w=400]", f"Vimeo video: <{VIMEO}>"),
        (f"[tweet {TWEET}]", f"Post on X (Twitter): <{TWEET}>"),
        ("[tweet 20]", "Post on X (Twitter): <https://twitter.com/i/status/20>"),
        (
            "[gist e76563c7dee8601856072da8e59caf7f]",
            "GitHub Gist: <https://gist.github.com/e76563c7dee8601856072da8e59caf7f>",
        ),
        ("[gist https://gist.github.com/u/abc123]", "GitHub Gist: <https://gist.github.com/u/abc123>"),
        (
            '[soundcloud url="https://api.soundcloud.com/tracks/1" /]',
            "SoundCloud audio: <https://api.soundcloud.com/tracks/1>",
        ),
        (
            "[googlemaps https://maps.google.com/maps?q=x&amp;output=embed]",
            "Google map: <https://maps.google.com/maps?q=x&output=embed>",
        ),
        ("[wpvideo abcd1234 w=640]", "VideoPress video: <https://videopress.com/v/abcd1234>"),
    ],
)
def test_jetpacks_embed_shortcodes_show_what_they_embedded(content: str, shown: str) -> None:
    # WordPress.com and Jetpack showed a player or the gist; each was left as "\[vimeo 123\]".
    assert post_markdown(f"Before.\n\n{content}\n\nAfter.") == f"Before.\n\n{shown}\n\nAfter."


def test_jetpacks_vimeo_is_hugos_shortcode() -> None:
    assert hugo_markdown("[vimeo 55073825]") == "{{< vimeo 55073825 >}}"


@pytest.mark.parametrize(
    "content",
    ["[vimeo javascript:alert(1)]", '[gist x"onmouseover="alert(1)]', "[tweet 1x]", "[wpvideo ../../etc]"],
)
def test_a_shortcode_value_that_is_no_id_or_url_shows_nothing(content: str) -> None:
    markdown = post_markdown(f"Before.\n\n{content}\n\nAfter.")
    assert markdown == "Before.\n\nAfter.", markdown


def test_a_playlist_is_a_player_for_each_of_its_files() -> None:
    from wxrtool.index import Attachment

    context = Context(
        post_id=10,
        attachments={
            3: Attachment(3, "https://example.com/one.mp3", title="One", parent=10, menu_order=1),
            4: Attachment(4, "https://example.com/two.ogg", title="Two <b>", parent=10, menu_order=2),
            5: Attachment(5, "https://example.com/cover.jpg", parent=10, menu_order=3),
            6: Attachment(6, "https://example.com/clip.mp4", title="Clip", parent=11),
        },
    )
    markdown = post_markdown('[playlist]\n\n[playlist type="video" ids="6,99"]', context)
    assert markdown.index("one.mp3") < markdown.index("two.ogg") < markdown.index("clip.mp4")
    assert "cover.jpg" not in markdown and "*Two \\<b>*" in markdown and "<video controls" in markdown
