"""A generated export of many small items, for memory that must not grow with their number.

``../shared/bench/make_wxr.py`` makes realistic posts (a few kilobytes each, with comments);
issue 19 asks for 2 million *small* items: this writes N minimal posts (a title, a slug, a
sentence, a category; every tenth a page under another, every fifth with a comment, every
twentieth an attachment), deterministic for a given N, streamed (memory does not grow with N).

    python bench/make_many.py --items 2000000 --out bench/work/many-2M.xml
"""

from __future__ import annotations

import argparse
import sys

HEAD = """<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"
 xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:wfw="http://wellformedweb.org/CommentAPI/"
 xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel>
<title>Many small items</title><link>https://many.example.org</link><language>en-US</language>
<wp:wxr_version>1.2</wp:wxr_version><wp:base_site_url>https://many.example.org</wp:base_site_url>
<wp:base_blog_url>https://many.example.org</wp:base_blog_url>
<wp:author><wp:author_id>1</wp:author_id><wp:author_login><![CDATA[admin]]></wp:author_login><wp:author_display_name><![CDATA[Admin]]></wp:author_display_name></wp:author>
<wp:category><wp:term_id>2</wp:term_id><wp:category_nicename><![CDATA[notes]]></wp:category_nicename><wp:category_parent><![CDATA[]]></wp:category_parent><wp:cat_name><![CDATA[Notes]]></wp:cat_name></wp:category>
"""

ITEM = """<item><title><![CDATA[Note {i}]]></title><link>https://many.example.org/{path}</link>
<dc:creator><![CDATA[admin]]></dc:creator><guid isPermaLink="false">https://many.example.org/?p={i}</guid>
<content:encoded><![CDATA[<p>Note {i}, see <a href="https://many.example.org/?p={other}">another</a>.</p>]]></content:encoded>
<excerpt:encoded><![CDATA[]]></excerpt:encoded><wp:post_id>{i}</wp:post_id>
<wp:post_date><![CDATA[{date}]]></wp:post_date><wp:post_date_gmt><![CDATA[{date}]]></wp:post_date_gmt>
<wp:post_name><![CDATA[{slug}]]></wp:post_name><wp:status><![CDATA[publish]]></wp:status>
<wp:post_parent>{parent}</wp:post_parent><wp:menu_order>0</wp:menu_order><wp:post_type><![CDATA[{kind}]]></wp:post_type>
{extra}</item>
"""

CATEGORY = '<category domain="category" nicename="notes"><![CDATA[Notes]]></category>\n'
COMMENT = (
    "<wp:comment><wp:comment_id>{i}</wp:comment_id><wp:comment_author><![CDATA[Reader]]></wp:comment_author>"
    "<wp:comment_date><![CDATA[{date}]]></wp:comment_date><wp:comment_date_gmt><![CDATA[{date}]]></wp:comment_date_gmt>"
    "<wp:comment_content><![CDATA[Thanks for note {i}.]]></wp:comment_content>"
    "<wp:comment_approved><![CDATA[1]]></wp:comment_approved><wp:comment_type><![CDATA[comment]]></wp:comment_type>"
    "<wp:comment_parent>0</wp:comment_parent></wp:comment>\n"
)


def item(i: int) -> str:
    day = i % 28 + 1
    month = i // 28 % 12 + 1
    year = 2000 + i // (28 * 12) % 25
    date = f"{year}-{month:02d}-{day:02d} 12:00:00"
    slug = f"note-{i}"
    if i % 20 == 0:
        return ITEM.format(i=i, path=f"?attachment_id={i}", other=i - 1, date=date, slug=slug, parent=i - 1,
                           kind="attachment", extra=f"<wp:attachment_url>https://many.example.org/wp-content/uploads/n{i}.jpg</wp:attachment_url>\n")  # fmt: skip
    if i % 10 == 0 or i % 10 == 5:
        parent = i - 5 if i % 10 == 0 else 0
        return ITEM.format(
            i=i, path=f"{slug}/", other=i - 1, date=date, slug=slug, parent=parent, kind="page", extra=""
        )
    extra = CATEGORY + (COMMENT.format(i=i, date=date) if i % 5 == 1 else "")
    path = f"{year}/{month:02d}/{slug}/"
    return ITEM.format(i=i, path=path, other=max(1, i - 7), date=date, slug=slug, parent=0, kind="post", extra=extra)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--items", type=int, required=True)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    with open(args.out, "w", encoding="utf-8", newline="\n") as out:
        out.write(HEAD)
        for i in range(1, args.items + 1):
            out.write(item(i))
        out.write("</channel>\n</rss>\n")
    print(f"wrote {args.items} items to {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
