#!/usr/bin/env python3
"""Writes a synthetic WordPress export (WXR 1.2) for measuring `byline import wordpress`.

    python3 bench/gen_wxr.py 50000 /tmp/wxr-50k.xml

Each post has a category (one of 20), three tags, an author (one of 10), an excerpt, a body of
about 4 KB of classic-editor HTML (paragraphs, a heading, a [caption] image, a link, every
fifth post a table and a [gallery]), comments and custom fields; every fifth post has a
featured image, an attachment item of its own. Deterministic: the same count gives the same
file.
"""

import sys
from xml.sax.saxutils import escape

WORDS = (
    "council contract harbour audit payment ledger minister company director invoice "
    "subsidy tender licence port river water ferry report source document record budget"
).split()


def words(seed, n):
    return " ".join(WORDS[(seed * 7 + i * 13) % len(WORDS)] for i in range(n))


def cdata(text):
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def body(i):
    parts = []
    for p in range(8):
        parts.append(words(i + p, 60).capitalize() + ".")
    parts.insert(2, f"<h2>Part {i % 7}: {words(i, 3)}</h2>")
    parts.insert(
        4,
        f'[caption id="attachment_{i}" align="aligncenter" width="800"]<img class="size-full" '
        f'src="https://news.example/wp-content/uploads/2020/01/inline-{i % 500}.jpg" alt="{words(i, 4)}" '
        f'width="800" height="600" /> {words(i + 3, 8)}.[/caption]',
    )
    parts.append(f'See <a href="https://news.example/{2015 + i % 9}/01/02/post-{max(i - 1, 0)}/">the earlier story</a> &amp; more.')
    if i % 5 == 0:
        parts.append(
            "<table><thead><tr><th>Year</th><th>Amount</th></tr></thead><tbody>"
            + "".join(f"<tr><td>{2010 + y}</td><td>{(i * y) % 9999}</td></tr>" for y in range(6))
            + "</tbody></table>"
        )
        parts.append('[gallery ids="1,2,3"]')
    return "\n\n".join(parts)


def main():
    count = int(sys.argv[1])
    out = open(sys.argv[2], "w", encoding="utf-8")
    w = out.write
    w('<?xml version="1.0" encoding="UTF-8" ?>\n<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/" '
      'xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:wfw="http://wellformedweb.org/CommentAPI/" '
      'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">\n<channel>\n')
    w("<title>Synthetic Newsroom</title>\n<link>https://news.example</link>\n<description>Benchmark</description>\n")
    w("<language>en-US</language>\n<wp:wxr_version>1.2</wp:wxr_version>\n")
    w("<wp:base_site_url>https://news.example</wp:base_site_url>\n<wp:base_blog_url>https://news.example</wp:base_blog_url>\n")
    for a in range(10):
        w(f"<wp:author><wp:author_id>{a + 1}</wp:author_id><wp:author_login>{cdata(f'author{a}')}</wp:author_login>"
          f"<wp:author_display_name>{cdata(f'Reporter Number {a}')}</wp:author_display_name></wp:author>\n")
    for c in range(20):
        w(f"<wp:category><wp:term_id>{c + 2}</wp:term_id><wp:category_nicename>{cdata(f'series-{c}')}</wp:category_nicename>"
          f"<wp:category_parent>{cdata('')}</wp:category_parent><wp:cat_name>{cdata(f'Series {c}')}</wp:cat_name>"
          f"<wp:category_description>{cdata(words(c, 10))}</wp:category_description></wp:category>\n")
    for i in range(count):
        post_id = 100000 + i
        day = f"{2015 + i % 9}-{1 + i % 12:02d}-{1 + i % 28:02d}"
        if i % 5 == 0:
            w("<item>\n")
            w(f"<title>{cdata(f'Photo {i}')}</title><link>https://news.example/photo-{i}/</link>\n")
            w(f"<dc:creator>{cdata('author0')}</dc:creator><content:encoded>{cdata('')}</content:encoded>")
            w(f"<excerpt:encoded>{cdata(words(i, 9) + '.')}</excerpt:encoded>\n")
            w(f"<wp:post_id>{post_id + 1000000}</wp:post_id><wp:post_date>{cdata(day + ' 09:00:00')}</wp:post_date>"
              f"<wp:post_date_gmt>{cdata(day + ' 08:00:00')}</wp:post_date_gmt><wp:post_name>{cdata(f'photo-{i}')}</wp:post_name>"
              f"<wp:status>{cdata('inherit')}</wp:status><wp:post_parent>{post_id}</wp:post_parent>"
              f"<wp:post_type>{cdata('attachment')}</wp:post_type>\n")
            w(f"<wp:attachment_url>{cdata(f'https://news.example/wp-content/uploads/2020/01/photo-{i}.jpg')}</wp:attachment_url>\n")
            w(f"<wp:postmeta><wp:meta_key>{cdata('_wp_attachment_image_alt')}</wp:meta_key><wp:meta_value>{cdata(words(i, 6))}</wp:meta_value></wp:postmeta>\n")
            w("</item>\n")
        w("<item>\n")
        title = f"{words(i, 6).capitalize()} #{i}: the \"{WORDS[i % len(WORDS)]}\" files"
        w(f"<title>{cdata(title)}</title>\n<link>https://news.example/{day.replace('-', '/')}/post-{i}/</link>\n")
        w(f"<dc:creator>{cdata(f'author{i % 10}')}</dc:creator>\n<guid isPermaLink=\"false\">https://news.example/?p={post_id}</guid>\n")
        w(f"<content:encoded>{cdata(body(i))}</content:encoded>\n<excerpt:encoded>{cdata(words(i, 20) + '.')}</excerpt:encoded>\n")
        w(f"<wp:post_id>{post_id}</wp:post_id>\n<wp:post_date>{cdata(day + ' 10:30:00')}</wp:post_date>\n")
        w(f"<wp:post_date_gmt>{cdata(day + ' 09:30:00')}</wp:post_date_gmt>\n")
        w(f"<wp:post_modified>{cdata(day + ' 11:30:00')}</wp:post_modified>\n<wp:post_modified_gmt>{cdata(day + ' 10:30:00')}</wp:post_modified_gmt>\n")
        w(f"<wp:post_name>{cdata(f'post-{i}')}</wp:post_name>\n<wp:status>{cdata('draft' if i % 50 == 0 else 'publish')}</wp:status>\n")
        w(f"<wp:post_parent>0</wp:post_parent>\n<wp:post_type>{cdata('post')}</wp:post_type>\n<wp:post_password>{cdata('')}</wp:post_password>\n")
        w(f'<category domain="category" nicename="series-{i % 20}">{cdata(f"Series {i % 20}")}</category>\n')
        for t in range(3):
            tag = WORDS[(i + t * 5) % len(WORDS)]
            w(f'<category domain="post_tag" nicename="{tag}">{cdata(tag.capitalize())}</category>\n')
        w(f"<wp:postmeta><wp:meta_key>{cdata('_edit_last')}</wp:meta_key><wp:meta_value>{cdata('1')}</wp:meta_value></wp:postmeta>\n")
        if i % 5 == 0:
            w(f"<wp:postmeta><wp:meta_key>{cdata('_thumbnail_id')}</wp:meta_key><wp:meta_value>{cdata(str(post_id + 1000000))}</wp:meta_value></wp:postmeta>\n")
        w(f"<wp:postmeta><wp:meta_key>{cdata('kicker')}</wp:meta_key><wp:meta_value>{cdata(escape(words(i, 2)))}</wp:meta_value></wp:postmeta>\n")
        w(f"<wp:comment><wp:comment_id>{i}</wp:comment_id><wp:comment_author>{cdata('Reader')}</wp:comment_author>"
          f"<wp:comment_content>{cdata(words(i, 15))}</wp:comment_content></wp:comment>\n")
        w("</item>\n")
    w("</channel>\n</rss>\n")
    out.close()


if __name__ == "__main__":
    main()
