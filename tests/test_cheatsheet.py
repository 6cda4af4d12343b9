"""The cheat sheet's hidden cell checks what the page states; run it here too, without the book.

The book runs the cell each time it is built; this test runs the same source with pytest, so a
Keras upgrade that changes a shape, a count or a message fails `make test` as well.
"""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PAGE = ROOT / "book" / "cheatsheet.md"


def _code_cells() -> list[tuple[list[str], str]]:
    """Each code cell of the page: its tags and its source."""
    cells = re.findall(r"```\{code-cell\} ipython3\n(.*?)```", PAGE.read_text(), flags=re.S)
    found = []
    for cell in cells:
        tags = re.match(r":tags: \[(.*?)\]\n", cell)
        names = [t.strip() for t in tags.group(1).split(",")] if tags else []
        found.append((names, cell[tags.end() :] if tags else cell))
    return found


def _check_cell() -> tuple[list[str], str]:
    checks = [(tags, source) for tags, source in _code_cells() if "checked = {" in source]
    assert len(checks) == 1, "the cheat sheet must have one hidden check cell"
    return checks[0]


def test_the_check_cell_is_hidden_and_the_page_says_so():
    tags, _ = _check_cell()
    assert "remove-input" in tags or "remove-cell" in tags, tags
    text = " ".join(PAGE.read_text().split())
    assert "checked against the installed Keras by a hidden cell each time the book is built" in (
        text
    )


def test_the_check_cell_passes_with_the_installed_keras(capsys):
    _, source = _check_cell()
    namespace: dict = {}
    exec(compile(source, str(PAGE), "exec"), namespace)
    checked = namespace["checked"]
    assert checked["shapes"] >= 15 and checked["parameter counts"] >= 8, checked
    assert checked["error messages"] == 5 and checked["warnings"] == 1, checked
    assert "each as this page states" in capsys.readouterr().out


def test_the_page_quotes_what_the_cell_checks():
    """Each fragment the cell asserts appears on the page, so the two cannot drift apart."""
    text = " ".join(PAGE.read_text().split())
    for fragment in (
        "Kernel shape must have the same length as input, but received kernel of shape "
        "(3, 3, 1, 8) and input of shape (None, 5, 28, 28, 1)",
        "expected ndim=3, found ndim=2",
        "found ndim=5",
        "The total size of the tensor must be unchanged",
        "Do not pass an `input_shape`/`input_dim` argument to a layer",
        "a tuple (Keras 2: a list)",
    ):
        assert fragment in text, fragment


def test_each_parameter_example_has_its_own_count_and_is_checked():
    """Two examples with one count (once 736 twice) read as one; each count is asserted."""
    text = PAGE.read_text()
    table = text.split("## Parameter counts", 1)[1].split("\n\n", 2)[1]
    counts = [int(n.replace(",", "")) for n in re.findall(r": ([\d,]+) \|$", table, flags=re.M)]
    assert len(counts) >= 7, table
    assert len(set(counts)) == len(counts), f"two examples share a count: {counts}"
    _, source = _check_cell()
    for count in counts:
        assert re.search(rf"== {count}\b", source), f"the cell does not check {count}"
