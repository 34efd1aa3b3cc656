"""The visible text of HTML: script, style, noscript and template left out,
one line per block element, runs of spaces collapsed as a browser shows them."""

from __future__ import annotations

from html.parser import HTMLParser

BLOCKS = frozenset("""address article aside blockquote br caption dd details dialog div dl dt fieldset figcaption
figure footer form h1 h2 h3 h4 h5 h6 header hr legend li main nav ol p pre section summary table tbody
td tfoot th thead title tr ul""".split())
HIDDEN = frozenset(("script", "style", "noscript", "template"))


class HtmlText(HTMLParser):
    """The visible text of HTML fed to it in pieces; drain() hands on what is ready."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self._parts: list[str] = []
        self._hidden = 0  # depth inside script/style/…
        self._pre = 0
        self._last = "\n"  # the last character handed out ("\n" at the start: no leading newline)
        self._space = False  # a space is due before the next word

    def handle_starttag(self, tag, attrs):
        if tag in HIDDEN:
            self._hidden += 1
        elif tag in BLOCKS:
            self._newline()
            self._pre += tag == "pre"

    def handle_startendtag(self, tag, attrs):
        if tag in BLOCKS:
            self._newline()

    def handle_endtag(self, tag):
        if tag in HIDDEN:
            self._hidden = max(0, self._hidden - 1)
        elif tag in BLOCKS:
            self._pre = max(0, self._pre - (tag == "pre"))
            self._newline()

    def handle_data(self, data):
        if self._hidden or not data:
            return
        if self._pre:
            self._put(data)
            return
        words = data.split()
        if not words:
            self._space = True
            return
        if (data[0].isspace() or self._space) and self._last not in " \n":
            self._put(" ")
        self._put(" ".join(words))
        self._space = data[-1].isspace()

    def _newline(self):
        if self._last != "\n":
            self._put("\n")
        self._space = False

    def _put(self, text: str):
        self._parts.append(text)
        self._last = text[-1]

    def drain(self) -> str:
        text = "".join(self._parts)
        self._parts = []
        return text
