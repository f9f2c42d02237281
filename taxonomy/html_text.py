"""The visible text of an HTML page, extracted in one streaming pass.

The standard library's :class:`html.parser.HTMLParser` is fed the page in chunks,
so memory stays a small multiple of the page size (no document tree is built):
text inside ``script``, ``style``, ``noscript``, ``template``, ``svg`` and the
``head`` is dropped, block-level tags (``p``, ``div``, ``br``, ``li``, headings,
table cells …) become line breaks, inline tags (``a``, ``span``, ``b`` …) join
their text with what surrounds it, and character references are decoded.

Examples
--------
>>> from taxonomy.html_text import html_to_text
>>> html_to_text("<head><title>站名</title></head><p>有的<b>干部</b>推诿。<br>二是扯皮。</p><script>x=1</script>")
'\\n有的干部推诿。\\n二是扯皮。\\n'
"""

from __future__ import annotations

from html.parser import HTMLParser

CHUNK_CHARS = 1 << 20

HIDDEN_TAGS = frozenset({"script", "style", "noscript", "template", "head", "svg", "math", "iframe", "object"})
BLOCK_TAGS = frozenset(
    "address article aside blockquote body br dd details div dl dt fieldset figcaption figure footer form "
    "h1 h2 h3 h4 h5 h6 header hr li main nav ol p pre section summary table tbody td tfoot th thead title "
    "tr ul".split()
)


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden: list[str] = []  # open hidden elements, innermost last

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag == "body" and "head" in self.hidden:
            self.hidden.clear()  # an unclosed <head> ends where the body starts
        if tag in HIDDEN_TAGS:
            self.hidden.append(tag)
        elif tag in BLOCK_TAGS and not self.hidden:
            self.parts.append("\n")

    def handle_startendtag(self, tag: str, attrs) -> None:
        if tag in BLOCK_TAGS and not self.hidden:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.hidden:
            while self.hidden and self.hidden.pop() != tag:
                pass
        elif tag in BLOCK_TAGS and not self.hidden:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.parts.append(data)


def html_to_text(html: str, *, chunk_chars: int = CHUNK_CHARS) -> str:
    """Return the visible text of the page ``html``, one block per line.

    Parameters
    ----------
    html:
        The decoded page.
    chunk_chars:
        How many characters the parser is fed at a time.
    """
    parser = _TextExtractor()
    done: list[str] = []  # the text so far, in joined blocks (many tiny strings cost more than their text)
    for start in range(0, len(html), chunk_chars):
        parser.feed(html[start : start + chunk_chars])
        done.append("".join(parser.parts))
        parser.parts.clear()
    parser.close()
    done.extend(parser.parts)
    return "".join(done)
