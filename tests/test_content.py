"""Content conversion, feature by feature: code, escaping, blocks, shortcodes, comments."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wxrtool.content import (
    Attachment,
    Context,
    blocks,
    comment_html,
    comment_markdown,
    plain_comment_markdown,
    post_markdown,
    render_post_html,
)
from wxrtool.content.render import _linked_plain_markdown, _plain
from wxrtool.content.sanitize import take_notes
from wxrtool.content.shortcodes import find_shortcodes, parse_atts
from wxrtool.content.smilies import convert_smilies
from wxrtool.content.tomarkdown import code_language, fence, html_to_markdown


@pytest.mark.parametrize(
    ("attributes", "language"),
    [
        ('class="language-python"', "python"),
        ('class="lang-rb linenums"', "rb"),
        ('class="brush: php; title: ; notranslate" title=""', "php"),
        ('lang="go"', "go"),
        ('data-lang="c++"', "c++"),
        ('class="wp-block-code"', ""),
    ],
)
def test_code_language(attributes: str, language: str) -> None:
    assert code_language(attributes) == language


def test_code_kept_byte_for_byte() -> None:
    code = 'def f(a, b):\n\n\n    return a < b and "x" * 2  # `tick` ```fence```\n\t\ttabs  \n'
    page = (
        f'<p>Before</p>\n<pre class="lang-python"><code>{code.replace("&", "&amp;").replace("<", "&lt;")}</code></pre>'
    )
    markdown = html_to_markdown(page)
    assert "````python\n" + code + "````" in markdown


def test_pre_with_markup_and_breaks() -> None:
    page = '<pre class="brush: js">var a = 1;<br />var b = <span class="kw">2</span>;<br>// &lt;done&gt;</pre>'
    assert html_to_markdown(page) == "```js\nvar a = 1;\nvar b = 2;\n// <done>\n```"


def test_fence_is_longer_than_any_backtick_run() -> None:
    assert fence("a ```` b").startswith("`````\n")
    assert fence("plain") == "```\nplain\n```"


@pytest.mark.parametrize(
    "text",
    [
        "*not emphasis*",
        "_not emphasis_",
        "# not a heading",
        "<notatag> & more",
        "1. not a list",
        "- not a list",
        "> not a quote",
        "[not](a link)",
        "2015. not a list",
        "1) not a list",
        "+ not a list",
        "a__b__c and x_y_ and _z_ and __init__",
        "<b>not bold</b> <!x <?y </z",
        "HTML5. 1,000. snake_case $10. a < b U+0301) x > y",
    ],
)
@pytest.mark.parametrize("container", ["p", "li", "blockquote", "ol"])
def test_literal_characters_stay_literal(text: str, container: str) -> None:
    from markdown_it import MarkdownIt

    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    source = {"p": "<p>{}</p>", "li": "<ul><li>{}</li></ul>", "blockquote": "<blockquote><p>{}</p></blockquote>",
              "ol": "<ol><li><p>a</p><p>{}</p></li></ol>"}[container]  # fmt: skip
    rendered = MarkdownIt("commonmark").render(html_to_markdown(source.format(escaped)))
    assert rendered.replace("\n", "") == source.format(escaped)


def test_what_a_reader_did_not_see_is_not_written() -> None:
    # A link around a line break only: its address would show as text, glued to the next word.
    assert post_markdown('<a href="http://x.test/round22.png">\n</a>After it') == "After it"
    # The File block's link and download button: two links, not one word.
    block = (
        '<div class="wp-block-file"><a href="/doc.pdf">doc</a><a href="/doc.pdf" '
        'class="wp-block-file__button wp-element-button" download>Download</a></div>'
    )
    assert post_markdown(block) == "[doc](/doc.pdf) [Download](/doc.pdf)"
    # A break at the end of a block shows nothing; in Markdown it would be a stray backslash.
    assert post_markdown("<blockquote><p>q</p><cite>Someone<br></cite></blockquote>") == (
        "> q\n>\n> <cite>Someone</cite>"
    )
    assert post_markdown("<blockquote><p><br>q</p><cite><br><em>Someone</em></cite></blockquote>") == (
        "> q\n>\n> <cite>*Someone*</cite>"
    )
    assert post_markdown("<p>a<br><strong>b<br></strong>c</p>") == "a\\\n**b**\\\nc"  # (not at the end: kept)


def test_a_table_ends_before_what_follows() -> None:
    # kramdown (Jekyll) reads a quote right after a table's last row as more of it.
    markdown = post_markdown("<table><tr><th>a</th></tr><tr><td>b</td></tr></table><blockquote><p>q</p></blockquote>")
    assert markdown == "| a |\n| --- |\n| b |\n\n> q"


def test_escapes_only_where_markdown_would_read_markup() -> None:
    # Every backslash here is visible to someone who edits the Markdown, and none was needed.
    text = "HTML5. 1,000. snake_case $10. a &lt; b U+0301) x &gt; y"
    assert html_to_markdown(f"<p>{text}</p>") == "HTML5. 1,000. snake_case $10. a < b U+0301) x > y"


def test_classic_content_gets_paragraphs_and_breaks() -> None:
    assert post_markdown("First line\nsame paragraph\n\nSecond paragraph") == (
        "First line\\\nsame paragraph\n\nSecond paragraph"
    )


def test_block_content_is_not_autopeed() -> None:
    content = "<!-- wp:html -->\n<div>one\n\ntwo</div>\n<!-- /wp:html -->"
    assert "<p>" not in render_post_html(content)


BLOCK_POST = """<!-- wp:heading {"level":3} -->
<h3 class="wp-block-heading">Heading</h3>
<!-- /wp:heading -->

<!-- wp:quote -->
<blockquote class="wp-block-quote"><!-- wp:paragraph -->
<p>Quoted</p>
<!-- /wp:paragraph --><cite>Someone</cite></blockquote>
<!-- /wp:quote -->

<!-- wp:preformatted -->
<pre class="wp-block-preformatted">  keep   spacing</pre>
<!-- /wp:preformatted -->

<!-- wp:image {"id":5} -->
<figure class="wp-block-image"><img src="https://example.com/a.jpg" alt="An A"/><figcaption>The caption</figcaption></figure>
<!-- /wp:image -->

<!-- wp:embed {"url":"https://www.youtube.com/watch?v=abc","type":"video","providerNameSlug":"youtube"} -->
<figure class="wp-block-embed is-type-video"><div class="wp-block-embed__wrapper">
https://www.youtube.com/watch?v=abc
</div></figure>
<!-- /wp:embed -->

<!-- wp:table -->
<figure class="wp-block-table"><table><thead><tr><th>k</th><th>v</th></tr></thead><tbody><tr><td>a</td><td>1</td></tr></tbody></table></figure>
<!-- /wp:table -->

<!-- wp:separator -->
<hr class="wp-block-separator"/>
<!-- /wp:separator -->

<!-- wp:columns -->
<div class="wp-block-columns"><!-- wp:column -->
<div class="wp-block-column"><!-- wp:paragraph -->
<p>Left</p>
<!-- /wp:paragraph --></div>
<!-- /wp:column --></div>
<!-- /wp:columns -->

<!-- wp:more -->
<!--more-->
<!-- /wp:more -->

<!-- wp:latest-posts {"postsToShow":3} /-->

<!-- wp:group {"layout":{"type":"constrained"}} -->
<div class="wp-block-group"><!-- wp:paragraph -->
<p>Grouped</p>
<!-- /wp:paragraph --></div>
<!-- /wp:group -->

<!-- wp:html -->
<p>Raw <abbr title="HyperText">HTML</abbr> block</p>
<!-- /wp:html -->

<!-- wp:gallery {"linkTo":"none"} -->
<figure class="wp-block-gallery has-nested-images"><!-- wp:image {"id":7} -->
<figure class="wp-block-image"><img src="https://example.com/g1.jpg" alt="G one"/><figcaption>First</figcaption></figure>
<!-- /wp:image -->

<!-- wp:image {"id":8} -->
<figure class="wp-block-image"><img src="https://example.com/g2.jpg" alt="G two"/></figure>
<!-- /wp:image --></figure>
<!-- /wp:gallery -->

<!-- wp:acme/unknown -->
<div class="acme">Unknown block keeps its HTML</div>
<!-- /wp:acme/unknown -->"""


def test_blocks_convert_per_block() -> None:
    markdown = post_markdown(BLOCK_POST)
    expected_parts = [
        "### Heading",
        "> Quoted",
        "```\n  keep   spacing\n```",
        "![An A](https://example.com/a.jpg)\n\n*The caption*",
        "<https://www.youtube.com/watch?v=abc>",
        "| k | v |",
        "---",
        "Left",
        "<!--more-->",
        '<!-- wp:latest-posts {"postsToShow":3} /-->',
        "Grouped",
        'Raw <abbr title="HyperText">HTML</abbr> block',
        "![G one](https://example.com/g1.jpg)\n\n*First*",
        "![G two](https://example.com/g2.jpg)",
        "Unknown block keeps its HTML",
    ]
    position = 0
    for part in expected_parts:
        found = markdown.find(part, position)
        assert found >= 0, (part, markdown)
        position = found + len(part)


def test_block_parser_nesting_and_names() -> None:
    tree = blocks.parse(BLOCK_POST)
    assert [b.name for b in tree][:3] == ["core/heading", "core/quote", "core/preformatted"]
    quote = tree[1]
    assert [b.name for b in quote.walk()] == ["core/quote", "core/paragraph"]
    assert tree[0].attrs == {"level": 3}
    assert "acme/unknown" in list(blocks.block_names(BLOCK_POST))


def test_block_parser_is_lenient() -> None:
    tree = blocks.parse("<!-- wp:group --><p>a</p><!-- /wp:paragraph --><p>b</p>")
    assert tree[0].name == "core/group" and "<!-- /wp:paragraph -->" in tree[0].inner_html


def test_shortcode_attributes() -> None:
    assert parse_atts("ids=\"1,2\" columns=3 size='large' link") == {
        "ids": "1,2",
        "columns": "3",
        "size": "large",
        "0": "link",
    }


def test_caption_gallery_and_escaped_shortcodes() -> None:
    context = Context(
        post_id=10,
        attachments={
            4: Attachment(4, "https://example.com/4.jpg", alt="four", caption="Four", parent=10, menu_order=2),
            3: Attachment(3, "https://example.com/3.jpg", alt="three", parent=10, menu_order=1),
            5: Attachment(5, "https://example.com/5.jpg", title="IMG_5", parent=10, menu_order=3),
        },
    )
    markdown = post_markdown(
        '[gallery]\n\n[[gallery]] stays\n\n[caption width="5"]<img src="x.png" alt="x" /> Cap[/caption]', context
    )
    assert markdown.index("3.jpg") < markdown.index("4.jpg")
    assert "![](https://example.com/5.jpg)" in markdown  # no alt text: none shown (never the title)
    assert "*Four*" in markdown
    assert "\\[gallery\\] stays" in markdown
    assert "![x](x.png)\n\n*Cap*" in markdown


def test_media_shortcodes_keep_html() -> None:
    markdown = post_markdown('[video mp4="https://example.com/v.mp4" poster="p.jpg"][/video]')
    # (kept as HTML, through the reader sanitizer, which writes the boolean attribute in full)
    assert markdown == '<video controls="" poster="p.jpg"><source src="https://example.com/v.mp4"></video>'
    assert post_markdown('[audio mp3="https://example.com/a.mp3"]') == (
        '<audio controls=""><source src="https://example.com/a.mp3"></audio>'
    )
    assert post_markdown("[embed]https://vimeo.com/1[/embed]") == "Vimeo video: <https://vimeo.com/1>"
    assert post_markdown("[youtube=https://youtu.be/x]") == "YouTube video: <https://youtu.be/x>"


def test_code_shortcode_survives_wpautop() -> None:
    content = 'Intro\n\n[sourcecode language="php"]\n<?php\n\necho "a & b";\n[/sourcecode]\n\nOutro'
    assert post_markdown(content) == 'Intro\n\n```php\n<?php\n\necho "a & b";\n```\n\nOutro'


def test_unknown_shortcodes_kept_verbatim_and_found() -> None:
    text = '[kaltura-widget entryid="1_r7" size="comments" /]'
    assert post_markdown(text).replace("\\", "") == text
    assert list(find_shortcodes(text)) == ["kaltura-widget"]


def test_comment_markdown_makes_links_and_paragraphs() -> None:
    assert comment_markdown("Read http://example.com/a.\nThanks\n\nBye") == (
        "Read <http://example.com/a>.\\\nThanks\n\nBye"
    )


_WORDS = st.sampled_from(
    list("ab cZ\n\n  .,;:!?'\"()-\u2013\u2014\u201c\u201d1234567890\u00e9\u03bb\u5317\U0001f44d\u00a0\t=+*_#<>&[]/%@$")
)


@settings(max_examples=1500, deadline=None)
@given(st.one_of(st.lists(_WORDS, max_size=40).map("".join), st.text(max_size=30)))
def test_plain_comments_skip_the_round_trip_with_the_same_markdown(text: str) -> None:
    # The fast path for comments of plain words must give what the full conversion gives.
    full = html_to_markdown(comment_html(text))
    shown = convert_smilies(text)  # (the fast path takes the text with its smilies converted)
    if _plain(shown):
        assert plain_comment_markdown(shown) == full
    assert comment_markdown(text) == full


def test_most_plain_comments_take_the_fast_path() -> None:
    words = "Thanks for this!\nIt helped a lot.\n\n“Great” post, Ann; see you (soon) - really?"
    assert _plain(words)
    for text in ("a *b*", "see http://x.y", "1. first", "in 2020.", "- item", "a&amp;b", "tab\there"):
        assert not _plain(text)


_PIECES = st.sampled_from(["a", "b c", " ", "\n", "\n\n", ".", "1.", "-", "x_y", "\u00e9", "&", "<b>", "(", "!", "  "])
_URLS = st.sampled_from(["https://x.com/", "http://e.com/a_b?p=1", "https://e.com/~u/%20x", "https://x.com/a=b"])
_LABELS = st.sampled_from(["go", "my  site", " pad", "1. x", "a_b", "x-y", "-dash", "two words", "WXRTOOLLINK0X"])
_LINKS = st.builds(lambda url, label: f'<a href="{url}">{label}</a>', _URLS, _LABELS)


@settings(max_examples=1500, deadline=None)
@given(st.lists(st.one_of(_PIECES, _LINKS), max_size=10).map("".join))
def test_comments_with_simple_links_skip_the_round_trip_with_the_same_markdown(text: str) -> None:
    assert comment_markdown(text) == html_to_markdown(comment_html(text))


def test_a_simple_link_takes_the_fast_path() -> None:
    text = 'See <a href="https://example.com/a_b?p=1">my  site</a> too.\nBye'
    assert _linked_plain_markdown(text) == "See [my site](https://example.com/a_b?p=1) too.\\\nBye"
    assert _linked_plain_markdown('<a href="javascript:x">y</a>') is None


@pytest.mark.parametrize(
    ("stored", "shown"),
    [
        ("Great post :)", "Great post 🙂"),
        ("Ha :D and ;-) and :mrgreen:", "Ha 😀 and 😉 and :mrgreen:"),
        ("a:)b (:) :)x", "a:)b (:) :)x"),  # not alone: as written
        ("<code>:)</code> :)", "<code>:)</code> 🙂"),
        ("<pre>x :) y</pre>", "<pre>x :) y</pre>"),
        ('<a title=" :) ">link</a> :P', '<a title=" :) ">link</a> 😛'),
        ("x&nbsp;:)", "x&nbsp;🙂"),
    ],
)
def test_smilies_as_wordpress_shows_them(stored: str, shown: str) -> None:
    assert convert_smilies(stored) == shown


def test_smilies_reach_comments_and_posts() -> None:
    assert comment_markdown("Thanks :)") == "Thanks 🙂"
    assert "🙂" in post_markdown("<p>Thanks :)</p>") and "🙂" not in post_markdown("<pre>x :) y</pre>")


@pytest.mark.parametrize(
    ("html", "markdown"),
    [
        ("<p>E = MC<sup>2</sup>, H<sub>2</sub>O</p>", "E = MC<sup>2</sup>, H<sub>2</sub>O"),
        ('<p><abbr title="a &quot;b&quot;" onclick="x()">AB</abbr></p>', '<abbr title="a &quot;b&quot;">AB</abbr>'),
        (
            "<p><u>snake_case</u> <ins>new</ins> <small>*</small></p>",
            r"<u>snake_case</u> <ins>new</ins> <small>\*</small>",
        ),
        ("<p><code>x<sup>2</sup></code></p>", "`x2`"),  # a code span shows its text
        ("<dl><dt>Term</dt><dd>Meaning</dd></dl>", "<dl>\n<dt>Term</dt>\n<dd>Meaning</dd>\n</dl>"),
        ("<p>a<sup onmouseover=x>1</sup> WXRTOOLTAG0X</p>", "a<sup>1</sup> WXRTOOLTAG0X"),  # spells a stand-in
        ("<blockquote><p>Quoted</p><cite>Someone</cite></blockquote>", "> Quoted\n>\n> <cite>Someone</cite>"),
        (
            '<ol reversed start="3" onclick="x()"><li>c<ol><li>n</li></ol></li><li>b</li></ol><ol><li>up</li></ol>',
            '<ol reversed="" start="3">\n<li>c\n<ol>\n<li>n</li>\n</ol>\n</li>\n<li>b</li>\n</ol>\n\n1. up',
        ),
    ],
)
def test_what_markdown_cannot_say_stays_html(html: str, markdown: str) -> None:
    """WordPress's readers saw superscripts, abbreviations, definition lists: kept as HTML."""
    assert post_markdown(html) == markdown


@pytest.mark.parametrize(
    ("html", "shown"),
    [
        # A cell holds no block: code in a headed table's cell is a line of <code> (its lines kept).
        (
            "<table><tr><th>a</th><th>b</th></tr><tr><td><pre>x = 1\n  y | z</pre></td><td>c</td></tr></table>",
            "<code>x = 1<br>&nbsp; y &#124; z</code>",
        ),
        (
            '<h3>Listen <audio src="https://x.org/a.mp3"></audio></h3>',
            '### Listen <audio src="https://x.org/a.mp3"></audio>',
        ),
        ("<p><a href='https://x.org'><pre>code here</pre></a></p>", "[<code>code here</code>](https://x.org)"),
        (
            "<table><tr><th>v</th></tr><tr><td><video src='https://x.org/v.mp4'></video></td></tr></table>",
            '| <video src="https://x.org/v.mp4"></video> |',
        ),
    ],
)
def test_what_was_kept_comes_back_inside_a_line_too(html: str, shown: str) -> None:
    """Code, a player or a list kept from the engine, in a table's cell, a heading or a link: the
    engine ran its stand-in into a line, where it stayed, WXRTOOLKEEP0X on the page, the code lost."""
    markdown = post_markdown(html)
    assert shown in markdown and "WXRTOOL" not in markdown, markdown


@pytest.mark.parametrize(
    "html",
    [
        "<table><tr><td>alpha</td><td>beta</td></tr></table>",
        "<table><tbody><tr><td>a</td></tr><tr><td><pre>x\n  y</pre></td></tr></tbody></table>",
    ],
)
def test_a_table_without_a_header_stays_html(html: str) -> None:
    """Markdown has no table without a header row: the engine made one of the first row (Hugo and
    Pelican showed data as headers) and Jekyll showed a one-row table as its source, pipes and all."""
    markdown = post_markdown(html)
    assert markdown.startswith("<table>") and markdown.endswith("</table>") and "|" not in markdown
    from markdown_it import MarkdownIt

    rendered = MarkdownIt("commonmark").enable("table").render(markdown)
    assert "<th>" not in rendered and ("alpha" in rendered or "<pre>x\n  y</pre>" in rendered)
    assert post_markdown("<table><tr><th>h</th></tr><tr><td>d</td></tr></table>") == "| h |\n| --- |\n| d |"


@pytest.mark.parametrize(
    ("html", "markdown"),
    [
        ("<pre>code</pre><p>WXRTOOLKEEP99X</p>", "```\ncode\n```\n\nWXRTOOLKEEP99X"),
        # (an entity and a tag the engine drops: the stand-in is spelled only once the engine ran)
        ("<pre>code</pre><p>&#87;XRTOOLKEEP0X</p>", "```\ncode\n```\n\nWXRTOOLKEEP0X"),
        ("<pre>code</pre><p>WXRTOO<span>L</span>KEEP0X</p>", "```\ncode\n```\n\nWXRTOOLKEEP0X"),
        ("<p>a<kbd>b</kbd> &#87;XRTOOLTAG0X</p>", "a<kbd>b</kbd> WXRTOOLTAG0X"),
        ("<p>a<kbd>b</kbd> &#87;XRTOOLTAG7X</p>", "a<kbd>b</kbd> WXRTOOLTAG7X"),
        ("<blockquote><pre>q</pre></blockquote><p>WXRTOOLKEEP0X</p>", "> ```\n> q\n> ```\n\nWXRTOOLKEEP0X"),
    ],
)
def test_text_spelling_a_stand_in_stays_text(html: str, markdown: str) -> None:
    """A post's words that spell one of the converter's stand-ins are words: the piece it stands
    for is not put there twice (nor a tag), and the post is not written as HTML instead."""
    take_notes()
    assert post_markdown(html) == markdown
    assert not [n for n in take_notes() if n.startswith("post-as-html")]


@pytest.mark.parametrize(
    ("stored", "source"),
    [
        ("[audio https://example.com/a.mp3]", "https://example.com/a.mp3"),
        ("[video https://example.com/v.mp4]", "https://example.com/v.mp4"),
        ("[audio http://example.com/a.mp3|titles=A|artists=B]", "http://example.com/a.mp3"),
    ],
)
def test_wordpress_com_positional_media_keep_their_player(stored: str, source: str) -> None:
    """WordPress.com showed a player for [audio URL]; core shows nothing: the blog's readers saw the player."""
    assert f'<source src="{source}">' in post_markdown(stored)


def test_a_positional_media_url_goes_through_the_url_policy() -> None:
    assert post_markdown("[audio javascript:alert(1)]") == ""


def test_dollars_are_not_math_for_kramdown() -> None:
    """kramdown (Jekyll) reads $$...$$ as math: a comment's "$$ in my bank" lost its words."""
    assert comment_markdown("the $$ in my bank and the $$ out") == r"the \$\$ in my bank and the \$\$ out"
    assert post_markdown("<p><code>$$</code></p>") == "`$$`"
    assert post_markdown("<p>a $$ b</p>", flavor="python-markdown") == "a $$ b"  # Pelican: no math, no escape


def test_comments_keep_their_structure_and_nothing_that_acts() -> None:
    """WordPress showed an editor's comment as stored: headings, numbered lists, tables, sup."""
    shown = comment_html(
        '<h2 onclick="x()">Notes</h2><ol start="8"><li>eight</li></ol>'
        "<table><tr><td>cell</td></tr></table>E=mc<sup>2</sup>"
        '<img src="https://tracker.example/p.gif"><script>bad()</script><form><input></form>'
    )
    assert "<h2>Notes</h2>" in shown and '<ol start="8">' in shown and "<td>cell</td>" in shown
    assert "<sup>2</sup>" in shown
    assert "onclick" not in shown and "<img" not in shown and "script" not in shown and "<form" not in shown


def test_a_cover_blocks_background_is_shown() -> None:
    """A Cover block of WordPress before 5.6 holds its image only in a style, which the sanitizer
    drops: the image was lost, and no account said so. It is an image before the cover's text (a
    video for a video background); a cover whose markup has an <img> for it keeps that one."""
    old = (
        '<!-- wp:cover {"url":"https://example.com/a.jpg","id":7,"alt":"A field"} --><div class="wp-block-cover" '
        'style="background-image:url(https://example.com/a.jpg)"><p>Over it</p></div><!-- /wp:cover -->'
    )
    assert post_markdown(old) == "![A field](https://example.com/a.jpg)\n\nOver it"
    video = old.replace('"id":7', '"backgroundType":"video","id":7').replace("a.jpg", "a.mp4")
    assert '<video src="https://example.com/a.mp4"' in post_markdown(video)
    new = (
        '<!-- wp:cover {"url":"https://example.com/a.jpg","id":7} --><div class="wp-block-cover"><img '
        'class="wp-block-cover__image-background" src="https://example.com/a.jpg" alt=""/><p>Over it</p></div>'
        "<!-- /wp:cover -->"
    )
    assert post_markdown(new).count("a.jpg") == 1
    from wxrtool.media import urls_in_html

    assert urls_in_html(old, "") == ["https://example.com/a.jpg"]


def test_code_nested_in_lists_is_indented_for_python_markdown_and_top_level_code_is_not() -> None:
    """Python-Markdown reads a fence only at a line's start: code in a list item, a quote or a comment
    (which goes in a list item) is an indented block there; at the top, fenced, with its language.
    Fences inside kept HTML are not code of ours, and stay as they are."""
    html = '<ul><li>a<pre class="lang-py">x = 1\n\ny</pre></li></ul><pre class="lang-md">- b\n    ```\n</pre>'
    assert html_to_markdown(html, flavor="python-markdown") == (
        "- a\n\n        x = 1\n\n        y\n\n````md\n- b\n    ```\n````"
    )
    assert html_to_markdown("<pre>print(1)</pre>", flavor="python-markdown", nested=True) == "    print(1)"
    assert html_to_markdown("<blockquote><pre>q</pre></blockquote>", flavor="python-markdown") == ">     q"
    assert html_to_markdown("<pre>print(1)</pre>", nested=True) == "```\nprint(1)\n```"  # (CommonMark: fenced)
    kept = "<dl><dd>\n~~~\na tilde fence\n~~~\n</dd></dl>"
    assert "~~~" in html_to_markdown(kept, flavor="python-markdown")


@pytest.mark.parametrize("flavor", ["commonmark", "python-markdown"])
def test_a_quote_and_a_pullquote_stay_two(flavor: str) -> None:
    """A quote block then a pullquote block (its blockquote in a <figure>) ran together into one
    quote, the first's citation run into the second's words."""
    import markdown as python_markdown
    from markdown_it import MarkdownIt

    html = (
        '<blockquote class="wp-block-quote"><p>Plain.</p><cite>A</cite></blockquote>\n'
        '<figure class="wp-block-pullquote"><blockquote><p>Pulled.</p><cite>B</cite></blockquote></figure>\n'
        '<figure class="wp-block-pullquote"><blockquote><p>Again.</p><cite>C</cite></blockquote></figure>'
    )
    markdown = html_to_markdown(html, flavor=flavor)
    shown = MarkdownIt("commonmark").render(markdown) if flavor == "commonmark" else python_markdown.markdown(markdown)
    assert shown.count("<blockquote>") == 3, shown


@pytest.mark.parametrize("flavor", ["commonmark", "python-markdown"])
@pytest.mark.parametrize("html", ["<p>Term<br>: colon line</p>", "<p>Term</p><p>: colon line</p>"])
def test_a_line_starting_with_a_colon_is_no_definition(flavor: str, html: str) -> None:
    """'Term' then a line ': colon line': Hugo, kramdown and Python-Markdown (its def_list, which
    Pelican has) showed a definition list, where WordPress showed two lines."""
    import html as html_module

    import markdown as python_markdown

    written = html_to_markdown(html, flavor=flavor)
    shown = python_markdown.markdown(written, extensions=["def_list"])
    assert "<dl>" not in shown and ": colon line" in html_module.unescape(shown), shown
    assert html_to_markdown("<pre>: code</pre>", flavor=flavor).count(": code") == 1  # (code as it is)


@pytest.mark.parametrize("flavor", ["commonmark", "python-markdown"])
def test_a_place_a_link_leads_to_in_the_page_stays(flavor: str) -> None:
    """A table of contents ('#setup') led nowhere: the engine dropped a heading's id, a paragraph's,
    and an empty <a name>. Each is an empty <a id> where it was; an id that could be more than a
    name is left out."""
    import markdown as python_markdown
    from markdown_it import MarkdownIt

    html = (
        '<p><a href="#setup">Setup</a></p><h2 id="setup">Installation</h2><p><a name="faq"></a>FAQ</p>'
        "<p id='p1'>Para</p><li id=step-2>Two</li><h3 id=\"x&quot; onclick=&quot;y\">Bad</h3>"
    )
    written = html_to_markdown(html, flavor=flavor)
    shown = MarkdownIt("commonmark").render(written) if flavor == "commonmark" else python_markdown.markdown(written)
    for name in ("setup", "faq", "p1", "step-2"):
        assert f'<a id="{name}"></a>' in shown, (name, shown)
    assert "onclick" not in shown and "Bad" in shown


def test_a_details_block_stays_closed() -> None:
    """A Details block (<details><summary>) was a bold line and its hidden text, always shown."""
    html = (
        '<!-- wp:details --><details class="wp-block-details"><summary>Spoiler</summary><!-- wp:paragraph -->'
        "<p>Hidden <em>text</em></p><!-- /wp:paragraph --></details><!-- /wp:details -->"
    )
    assert post_markdown(html) == (
        '<details class="wp-block-details"><summary>Spoiler</summary><p>Hidden <em>text</em></p></details>'
    )


@pytest.mark.parametrize(
    ("attrs", "fence"), [('{"language":"python"}', "```python"), ('{"language":"py\\" onclick=x"}', "```")]
)
def test_syntaxhighlighters_code_block_keeps_its_language(attrs: str, fence: str) -> None:
    """SyntaxHighlighter Evolved's block keeps its language in its attributes only: it was lost."""
    html = f'<!-- wp:syntaxhighlighter/code {attrs} --><pre class="wp-block-syntaxhighlighter-code">print(1)</pre><!-- /wp:syntaxhighlighter/code -->'
    assert post_markdown(html) == f"{fence}\nprint(1)\n```"


@pytest.mark.parametrize(
    "html",
    [
        '<ol type="a"><li>x</li><li>y</li></ol>',
        '<ol style="list-style-type:upper-roman" class="wp-block-list"><li>x</li></ol>',  # (Gutenberg's)
    ],
)
def test_a_list_numbered_by_letters_keeps_them(html: str) -> None:
    """a., b. and I., II. were 1., 2.: Markdown numbers up from 1, and the style was dropped."""
    markdown = post_markdown(html)
    assert markdown.startswith("<ol type=") and ("1." not in markdown), markdown


def test_a_line_break_in_a_cell_stays() -> None:
    """'hot<br>sweet' in a table's cell was 'hot sweet': a cell is one line of Markdown, and holds <br>."""
    assert "| hot<br>sweet |" in post_markdown("<table><tr><th>a</th></tr><tr><td>hot<br>sweet</td></tr></table>")


@pytest.mark.parametrize("flavor", ["commonmark", "python-markdown"])
def test_two_lists_in_a_row_stay_two(flavor: str) -> None:
    """Two list blocks in a row were one list (the second's numbers went on from the first's):
    every engine joins lists with nothing between them."""
    import markdown as python_markdown
    from markdown_it import MarkdownIt

    written = html_to_markdown(
        "<ol><li>x</li></ol><ol><li>y</li></ol><ul><li>a</li></ul><ul><li>b</li></ul>", flavor=flavor
    )
    shown = MarkdownIt("commonmark").render(written) if flavor == "commonmark" else python_markdown.markdown(written)
    assert shown.count("<ol>") == 2 and shown.count("<ul>") == 2, shown


@pytest.mark.parametrize("flavor", ["commonmark", "python-markdown"])
def test_a_verse_keeps_its_italics_links_and_stanzas(flavor: str) -> None:
    """A Verse block (<pre class="wp-block-verse">) is a poem, not code: it was a code block,
    its italics and links shown as plain text."""
    import markdown as python_markdown
    from markdown_it import MarkdownIt

    html = (
        '<!-- wp:verse --><pre class="wp-block-verse">Roses are <em>red</em>,\n  see <a href="https://x.org">here</a>'
        "\n\nsecond stanza</pre><!-- /wp:verse --><p>after</p>"
    )
    written = html_to_markdown(render_post_html(html), flavor=flavor)
    shown = MarkdownIt("commonmark").render(written) if flavor == "commonmark" else python_markdown.markdown(written)
    assert (
        '<pre class="wp-block-verse">Roses are <em>red</em>,\n  see <a href="https://x.org">here</a>\n\nsecond stanza</pre>'
        in shown
    )
    assert "<code>" not in shown and "<p>after</p>" in shown


# -- reusable blocks (synced patterns) ------------------------------------------------------


def _reusable_context(**blocks: str) -> Context:
    return Context(reusable={int(key.removeprefix("b")): value for key, value in blocks.items()})


def test_a_reusable_block_shows_its_content_where_it_is_used() -> None:
    # wordpress-export-to-markdown #185: pages of reusable blocks came out nearly empty, the
    # reference <!-- wp:block {"ref":N} /--> shown by no page, and nothing said so.
    from wxrtool.content.sanitize import take_notes

    cta = "<!-- wp:paragraph -->\n<p>Sign up <strong>now</strong></p>\n<!-- /wp:paragraph -->"
    content = (
        "<!-- wp:paragraph --><p>Before</p><!-- /wp:paragraph -->\n"
        '<!-- wp:block {"ref":900} /-->\n<!-- wp:paragraph --><p>After</p><!-- /wp:paragraph -->\n'
        '<!-- wp:block {"ref":404} /-->'
    )
    take_notes()
    markdown = post_markdown(content, _reusable_context(b900=cta))
    assert markdown.startswith("Before\n\nSign up **now**\n\nAfter"), markdown
    assert '<!-- wp:block {"ref":404} /-->' in markdown  # (not in the export: kept, and said)
    assert take_notes()["reusable-block-missing"] == 1


def test_a_reusable_block_inside_itself_is_shown_once_as_wordpress_does() -> None:
    a = '<!-- wp:paragraph --><p>A</p><!-- /wp:paragraph --><!-- wp:block {"ref":2} /-->'
    b = '<!-- wp:paragraph --><p>B</p><!-- /wp:paragraph --><!-- wp:block {"ref":1} /-->'
    context = _reusable_context(b1=a, b2=b)
    assert post_markdown('<!-- wp:block {"ref":1} /--><!-- wp:block {"ref":1} /-->', context) == "A\n\nB\n\nA\n\nB"


def test_reusable_blocks_cannot_multiply_a_post_without_bound() -> None:
    # A reference is thirty bytes, the block it shows may be a megabyte: a post shows at most
    # REUSABLE_BYTES of them, then says what it left out. Nested references neither recurse
    # nor multiply (each block shows once on its own path).
    from wxrtool.content.shortcodes import REUSABLE_BYTES

    big = "<!-- wp:paragraph --><p>" + "x" * 400_000 + "</p><!-- /wp:paragraph -->"
    markdown = post_markdown('<!-- wp:block {"ref":1} /-->' * 50, _reusable_context(b1=big))
    assert markdown.count("x" * 400_000) == REUSABLE_BYTES // len(big)
    assert "[reusable block 1 not shown" in markdown.replace("\\[", "[")
    deep = {f"b{n}": f'<!-- wp:block {{"ref":{n + 1}}} /-->' for n in range(1, 5000)}
    deep["b5000"] = "<p>bottom</p>"
    assert post_markdown('<!-- wp:block {"ref":1} /-->', _reusable_context(**deep)) == "bottom"


def test_a_gallery_of_no_images_shows_nothing() -> None:
    # gallery_shortcode() returns '' when the post has no images: an empty <div class="gallery">
    # split the paragraph it stood in.
    assert post_markdown("<p>Photos: [gallery] below.</p>", Context(post_id=10)) == "Photos: below."
