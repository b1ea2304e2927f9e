"""wpautop() against the input/expected pairs of WordPress's own unit tests.

The pairs are facts about WordPress's behaviour, taken from the cases in
wordpress-develop tests/phpunit/tests/formatting/Autop.php and written here as
data; each keeps the name of the WordPress test it comes from.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wxrtool.content.autop import _autop, newlines_to_br, shortcode_unautop, wpautop

BLOCKS = [
    "table",
    "thead",
    "tfoot",
    "caption",
    "col",
    "colgroup",
    "tbody",
    "tr",
    "td",
    "th",
    "div",
    "dl",
    "dd",
    "dt",
    "ul",
    "ol",
    "li",
    "pre",
    "form",
    "map",
    "area",
    "address",
    "math",
    "style",
    "p",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "fieldset",
    "legend",
    "section",
    "article",
    "aside",
    "hgroup",
    "header",
    "footer",
    "nav",
    "figure",
    "details",
    "menu",
    "summary",
]
INLINES = [
    "a",
    "em",
    "strong",
    "small",
    "s",
    "cite",
    "q",
    "dfn",
    "abbr",
    "data",
    "time",
    "code",
    "var",
    "samp",
    "kbd",
    "sub",
    "sup",
    "i",
    "b",
    "u",
    "mark",
    "span",
    "del",
    "ins",
    "noscript",
    "select",
]

FIRST_POST_IN = """
Welcome to WordPress!  This post contains important information.

First things first:
<ul>
<li><a href="%1$s" title="Subscribe">Subscribe to the WordPress mailing list for release notifications</a></li>
</ul>
As a subscriber, you will receive an email every time an update is available (and only then).
When a new version is released, <a href="%2$s" title="Log in">log in to the Dashboard</a> and follow the instructions.
Upgrading is a couple of clicks!

Then you can start enjoying the WordPress experience:
<ul>
<li>Edit your personal information at <a href="%3$s">Users &#8250; Profile</a></li>
<li>Start publishing at <a href="%4$s">Posts &#8250; Add New</a></li>
</ul>
To keep this post for reference, <a href="%11$s">click to edit it</a>.

PS.  Not yet subscribed?  <a href="%1$s">Do it now!</a>
"""
FIRST_POST_OUT = """<p>Welcome to WordPress!  This post contains important information.</p>
<p>First things first:</p>
<ul>
<li><a href="%1$s" title="Subscribe">Subscribe to the WordPress mailing list for release notifications</a></li>
</ul>
<p>As a subscriber, you will receive an email every time an update is available (and only then).<br />
When a new version is released, <a href="%2$s" title="Log in">log in to the Dashboard</a> and follow the instructions.<br />
Upgrading is a couple of clicks!</p>
<p>Then you can start enjoying the WordPress experience:</p>
<ul>
<li>Edit your personal information at <a href="%3$s">Users &#8250; Profile</a></li>
<li>Start publishing at <a href="%4$s">Posts &#8250; Add New</a></li>
</ul>
<p>To keep this post for reference, <a href="%11$s">click to edit it</a>.</p>
<p>PS.  Not yet subscribed?  <a href="%1$s">Do it now!</a></p>
"""

CODE = "var a = 1;\n\n\nif (a &lt; 2) {\n  a++; // &quot;ok&quot;\n}\n"

CASES = [
    ("test_first_post", FIRST_POST_IN, FIRST_POST_OUT, False),
    ("test_skip_pre_elements: alone", f"<pre>{CODE}</pre>", f"<pre>{CODE}</pre>", True),
    (
        "test_skip_pre_elements: text around",
        f"Look at this code\n\n<pre>{CODE}</pre>\n\nIsn't that cool?",
        f"<p>Look at this code</p>\n<pre>{CODE}</pre>\n<p>Isn't that cool?</p>",
        True,
    ),
    (
        "test_skip_pre_elements: manual breaks",
        "Look at this code\n\n<pre>Line1<br />Line2<br>Line3<br/>Line4\nActual Line 2\nActual Line 3</pre>\n\nCool, huh?",
        "<p>Look at this code</p>\n<pre>Line1<br />Line2<br>Line3<br/>Line4\nActual Line 2\nActual Line 3</pre>\n<p>Cool, huh?</p>",
        True,
    ),
    (
        "test_skip_input_elements",
        'Username: <input type="text" id="username" name="username" /><br />Password: <input type="password" id="password1" name="password1" />',
        '<p>Username: <input type="text" id="username" name="username" /><br />Password: <input type="password" id="password1" name="password1" /></p>',
        True,
    ),
    (
        "test_source_track_elements",
        'Paragraph one.\n\n<video class="wp-video-shortcode" width="640" controls="controls">\n\t<source type="video/mp4" src="http://domain.tld/xyz.mp4" />\n\t<!-- WebM -->\n\t<source type="video/webm" src="myvideo.webm" />\n\t<track kind="subtitles" src="subtitles.srt" srclang="en" />\n\t<a href="http://domain.tld/xyz.mp4">http://domain.tld/xyz.mp4</a>\n</video>\n\nParagraph two.',
        '<p>Paragraph one.</p>\n<p><video class="wp-video-shortcode" width="640" controls="controls"><source type="video/mp4" src="http://domain.tld/xyz.mp4" /><!-- WebM --><source type="video/webm" src="myvideo.webm" /><track kind="subtitles" src="subtitles.srt" srclang="en" /><a href="http://domain.tld/xyz.mp4">http://domain.tld/xyz.mp4</a></video></p>\n<p>Paragraph two.</p>',
        True,
    ),
    (
        "test_source_track_elements: shortcode",
        'Paragraph one.\n\n[video width="720" mp4="http://domain.tld/xyz.mp4"]\n\t<!-- WebM -->\n\t<source type="video/webm" src="myvideo.webm" />\n\t[/video]\n\nParagraph two.',
        '<p>Paragraph one.</p>\n<p>[video width="720" mp4="http://domain.tld/xyz.mp4"]<!-- WebM --><source type="video/webm" src="myvideo.webm" />[/video]</p>\n<p>Paragraph two.</p>',
        True,
    ),
    (
        "test_param_embed_elements",
        '\nParagraph one.\n\n<object width="400" height="224">\n\t<param name="src" value="http://domain.tld/xyz.swf" />\n\t<param name="allowfullscreen" value="true" />\n\n\t<embed width="400" type="application/x-shockwave-flash" src="http://domain.tld/xyz.swf" />\n</object>\n\nParagraph two.',
        '<p>Paragraph one.</p>\n<p><object width="400" height="224"><param name="src" value="http://domain.tld/xyz.swf" /><param name="allowfullscreen" value="true" /><embed width="400" type="application/x-shockwave-flash" src="http://domain.tld/xyz.swf" /></object></p>\n<p>Paragraph two.</p>',
        True,
    ),
    (
        "test_skip_select_option_elements",
        'Country: <select id="state" name="state"><option value="1">Alabama</option><option value="2">Alaska</option></select>',
        '<p>Country: <select id="state" name="state"><option value="1">Alabama</option><option value="2">Alaska</option></select></p>',
        True,
    ),
    (
        "test_that_wpautop_does_not_wrap_blockquotes_but_does_autop_their_contents",
        "<blockquote>foo</blockquote>",
        "<blockquote><p>foo</p></blockquote>",
        True,
    ),
    ("test_element_sanity 1", "Hello <a\nhref='world'>", "<p>Hello <a\nhref='world'></p>\n", False),
    ("test_element_sanity 2", "Hello <!-- a\nhref='world' -->", "<p>Hello <!-- a\nhref='world' --></p>\n", False),
    (
        "test_element_sanity 3",
        "Hello <!-- <object>\n<param>\n<param>\n<embed>\n</embed>\n</object>\n -->",
        "<p>Hello <!-- <object>\n<param>\n<param>\n<embed>\n</embed>\n</object>\n --></p>\n",
        False,
    ),
    (
        "test_element_sanity 4",
        "Hello <!-- <object>\n<param/>\n<param/>\n<embed>\n</embed>\n</object>\n -->",
        "<p>Hello <!-- <object>\n<param/>\n<param/>\n<embed>\n</embed>\n</object>\n --></p>\n",
        False,
    ),
    (
        "test_element_sanity 5",
        "Hello <![CDATA[ a\nhttps://youtu.be/jgz0uSaOZbE\n ]]>",
        "<p>Hello <![CDATA[ a\nhttps://youtu.be/jgz0uSaOZbE\n ]]></p>\n",
        False,
    ),
    (
        "test_element_sanity 6",
        "Hello <![CDATA[ <!-- a\nhttps://youtu.be/jgz0uSaOZbE\n a\n9 ]]> -->",
        "<p>Hello <![CDATA[ <!-- a\nhttps://youtu.be/jgz0uSaOZbE\n a\n9 ]]> --></p>\n",
        False,
    ),
    (
        "test_element_sanity 7",
        "Hello <![CDATA[ <!-- a\nhttps://youtu.be/jgz0uSaOZbE\n a\n9 --> a\n9 ]]>",
        "<p>Hello <![CDATA[ <!-- a\nhttps://youtu.be/jgz0uSaOZbE\n a\n9 --> a\n9 ]]></p>\n",
        False,
    ),
    (
        "test_that_wpautop_skips_line_breaks_after_br",
        "\nline 1<br>\nline 2<br/>\nline 3<br />\nline 4\nline 5\n",
        "<p>line 1<br />\nline 2<br />\nline 3<br />\nline 4<br />\nline 5</p>",
        True,
    ),
    (
        "test_that_wpautop_adds_a_paragraph_after_multiple_br",
        "\nline 1<br>\n<br/>\nline 2<br/>\n<br />\n",
        "<p>line 1</p>\n<p>line 2</p>",
        True,
    ),
    ("test_that_text_before_blocks_is_peed", "a<div>b</div>", "<p>a</p>\n<div>b</div>", True),
    (
        "test_that_wpautop_does_not_add_extra_closing_p_in_figure 1",
        '<figure><img src="example.jpg" /><figcaption>Caption</figcaption></figure>',
        '<figure><img src="example.jpg" /><figcaption>Caption</figcaption></figure>',
        True,
    ),
    (
        "test_that_wpautop_does_not_add_extra_closing_p_in_figure 2",
        '<figure>\n<img src="example.jpg" />\n<figcaption>Caption</figcaption>\n</figure>',
        '<figure>\n<img src="example.jpg" /><figcaption>Caption</figcaption></figure>',
        True,
    ),
    ("test_the_hr_is_not_peed", "paragraph1<hr>paragraph2", "<p>paragraph1</p>\n<hr>\n<p>paragraph2</p>", True),
    (
        "test_that_wpautop_ignores_inline_svgs",
        '<svg xmlns="http://www.w3.org/2000/svg">\n\t<circle cx="50" cy="50" r="30" fill="blue">\n\t</circle>\n</svg>',
        '<p><svg xmlns="http://www.w3.org/2000/svg">\n\t<circle cx="50" cy="50" r="30" fill="blue">\n\t</circle>\n</svg></p>',
        True,
    ),
    (
        "test_that_wpautop_ignores_inline_scripts",
        '<script type="text/javascript">\n\tvar dummy = 1;\n</script>',
        '<p><script type="text/javascript">\n\tvar dummy = 1;\n</script></p>',
        True,
    ),
]


@pytest.mark.parametrize(("name", "given", "expected", "trim"), CASES, ids=[c[0] for c in CASES])
def test_wordpress_cases(name: str, given: str, expected: str, trim: bool) -> None:
    result = wpautop(given)
    assert (result.strip() if trim else result) == expected


def test_block_elements_are_blocks() -> None:
    content = [f"<{b}>foo</{b}>" for b in BLOCKS]
    assert wpautop("\n\n".join(content)).strip() == "\n".join(content)
    assert wpautop("".join(content)).strip() == "\n".join(content)
    empty = [f"<{b}/>" for b in BLOCKS]
    assert wpautop("".join(empty)).strip() == "\n".join(empty)
    attributed = [f"<{b} attr='value'>foo</{b}>" for b in BLOCKS]
    assert wpautop("".join(attributed)).strip() == "\n".join(attributed)


def test_inline_elements_are_inline() -> None:
    content = "\n\n".join(f"<{i}>foo</{i}>" for i in INLINES)
    assert wpautop(content).strip() == "\n".join(f"<p><{i}>foo</{i}></p>" for i in INLINES)


def test_empty_content() -> None:
    assert wpautop("  \n\n ") == ""


def test_shortcode_unautop() -> None:
    text = '<p>[caption id="x"]<img src="a.png" /> A caption[/caption]</p>\n<p>[gallery]</p>\n<p>text [gallery]</p>\n'
    assert shortcode_unautop(text, ["caption", "gallery"]) == (
        '[caption id="x"]<img src="a.png" /> A caption[/caption]\n[gallery]\n<p>text [gallery]</p>\n'
    )


# Text made of what changes paragraphs: newlines (all three kinds), spaces, tabs,
# no-break spaces, entities and words; no markup, so wpautop's fast path applies.
_PLAIN = st.lists(st.sampled_from(["\n", "\r\n", "\r", " ", "\t", "\u00a0", "&nbsp;", "a", "b c", ">"])).map("".join)


@settings(max_examples=400, deadline=None)
@given(text=_PLAIN, br=st.booleans())
def test_markup_free_text_takes_the_short_path_to_the_same_result(text: str, br: bool) -> None:
    assert _autop(text, br, tags=False) == _autop(text, br, tags=True)


def test_markup_free_text_is_paragraphs_and_breaks() -> None:
    assert wpautop("a\r\nb\n\n\n  \n\nc  \n ") == "<p>a<br />\nb</p>\n<p>c  </p>\n"


_WPAUTOP_NEWLINES = re.compile(r"(?<!<br />)\s*\n")  # wpautop()'s own expression, as the reference


@settings(max_examples=3000, deadline=None)
@given(st.lists(st.sampled_from(["a", " ", "\n", "\t", "<br />", "\xa0", "\r", "\u2028", "<p>"]), max_size=16))
def test_newlines_become_breaks_as_wordpress_expression_makes_them(pieces: list[str]) -> None:
    text = "".join(pieces)
    assert newlines_to_br(text) == _WPAUTOP_NEWLINES.sub("<br />\n", text)
