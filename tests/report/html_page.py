"""Reading a rendered HTML report back in the report tests: its start tags with their attributes, and its text."""

from __future__ import annotations

from html.parser import HTMLParser


class Collector(HTMLParser):
    """Every start tag with its attributes (HTMLParser hands self-closing ones here too), and the text content."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)


def parse(html: str) -> Collector:
    collector = Collector()
    collector.feed(html)
    collector.close()
    return collector


def text_of(html: str) -> str:
    """The text pieces joined by one space, as the parser gave them."""
    return " ".join(parse(html).text)
