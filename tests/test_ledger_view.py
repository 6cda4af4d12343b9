"""The ledger table: formatting, links, escaping, and disagreement marking."""

from __future__ import annotations

from html.parser import HTMLParser

from labsupport.ledger_view import LedgerTable, chapter_label, format_value, ledger_html
from labsupport.stated import Figure, LedgerRow


def _fig(key="A1.lstm", source=140, chapter="01_one_to_one_echo", note="Unchanged."):
    return Figure(key, "Params of <LSTM>", source, lambda: source, note, chapter)


class _Cells(HTMLParser):
    def __init__(self):
        super().__init__()
        self.rows, self.links, self._in_td = [], [], False

    def handle_starttag(self, tag, attrs):
        if tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th"):
            self.rows[-1].append("")
            self._in_td = True
        elif tag == "a":
            self.links.append(dict(attrs)["href"])

    def handle_endtag(self, tag):
        if tag in ("td", "th"):
            self._in_td = False

    def handle_data(self, data):
        if self._in_td:
            self.rows[-1][-1] += data


def _parse(text):
    parser = _Cells()
    parser.feed(text)
    return parser


def test_format_value():
    assert format_value(439_212) == "439,212"
    assert format_value((None, 5, 1)) == "(None, 5, 1)"
    assert format_value((3,)) == "(3,)"
    assert format_value(True) == "True"
    assert format_value(None) == "None"
    assert format_value(0.5) == "0.5"


def test_chapter_label():
    assert chapter_label("03_many_to_many") == "Ch. 3"
    assert chapter_label("appendix") == "appendix"


def test_html_table_has_one_row_per_figure_with_values_and_link():
    rows = [
        LedgerRow(_fig(), 140, True),
        LedgerRow(
            _fig("B2.total", (None, 4, 1), "02_x", "Keras 3 prints it differently."),
            (None, 4, 1),
            True,
        ),
    ]
    parsed = _parse(ledger_html(rows))
    header, *body = parsed.rows
    assert header == [
        "Key",
        "Topic, then vs now",
        "Source says",
        "Computed now",
        "Agrees",
        "Taught in",
    ]
    assert body[0] == ["A1.lstm", "Params of <LSTM>Unchanged.", "140", "140", "✓", "Ch. 1"]
    assert body[1][2:5] == ["(None, 4, 1)", "(None, 4, 1)", "✓"]
    assert parsed.links == ["../notebooks/01_one_to_one_echo.html", "../notebooks/02_x.html"]
    assert "&lt;LSTM&gt;" in ledger_html(rows)  # text is escaped, never raw HTML


def test_disagreement_and_error_are_marked():
    rows = [LedgerRow(_fig(), 160, False), LedgerRow(_fig("A2.x"), None, False, "ValueError: x")]
    text = ledger_html(rows)
    assert text.count("class='disagrees'") == 2
    body = _parse(text).rows[1:]
    assert body[0][3:5] == ["160", "✗"]
    assert body[1][3] == "ValueError: x"
    table = LedgerTable(rows)
    assert len(table.disagreements) == 2
    assert "2 figures; 0 agree" in str(table)


def test_no_chapter_and_no_links():
    rows = [LedgerRow(_fig(chapter=""), 140, True)]
    assert _parse(ledger_html(rows)).rows[1][-1] == "—"
    rows = [LedgerRow(_fig(), 140, True)]
    assert _parse(ledger_html(rows, chapter_href="")).links == []


def test_table_shows_itself_in_a_notebook_and_a_terminal():
    table = LedgerTable([LedgerRow(_fig(), 140, True)])
    assert table._repr_html_().count("<tr") == 2
    assert str(table).splitlines()[0].startswith("✓ A1.lstm")
    assert "1 figures; 1 agree" in repr(table)
