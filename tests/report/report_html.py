"""Reading a report page in tests: sections, tables by caption, and every tag's attributes."""

from __future__ import annotations

from html.parser import HTMLParser


class PageParser(HTMLParser):
    """Collects sections, tables (caption -> rows of cell texts) and every tag's attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.sections: list[str] = []
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.tables: dict[str, list[list[str]]] = {}
        self._caption: str | None = None
        self._in: str | None = None
        self._text = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        self.tags.append((tag, a))
        if tag == "section":
            self.sections.append(str(a.get("id")))
        if tag in ("caption", "td"):
            self._in, self._text = tag, ""
        if tag == "tr" and self._caption is not None:
            self.tables[self._caption].append([])

    def handle_endtag(self, tag: str) -> None:
        if tag == "caption" and self._in == "caption":
            self._caption = self._text
            self.tables[self._caption] = []
        elif tag == "td" and self._in == "td" and self._caption is not None:
            self.tables[self._caption][-1].append(self._text)
        elif tag == "table":
            self._caption = None
        if tag == self._in:
            self._in = None

    def handle_data(self, data: str) -> None:
        if self._in:
            self._text += data


def parse_page(html: str) -> PageParser:
    parser = PageParser()
    parser.feed(html)
    return parser


def table_rows(page: PageParser, caption: str) -> list[list[str]]:
    return [r for r in page.tables[caption] if r]
