"""Every figure in the registry computes, today, the value its source states."""

from __future__ import annotations

import pytest

from labsupport import stated

stated._load_all()
KEYS = sorted(stated.FIGURES, key=stated._order)


def test_registry_is_not_empty():
    assert KEYS


@pytest.mark.parametrize("key", KEYS)
def test_figure_reproduces_its_source(key):
    (row,) = stated.ledger([key])
    assert not row.error, f"{key}: compute() raised {row.error}"
    assert row.agrees, f"{key}: computed {row.live!r}, the source states {row.figure.source!r}"


@pytest.mark.parametrize("key", KEYS)
def test_figure_is_documented(key):
    figure = stated.get(key)
    assert figure.topic.strip()
    assert figure.section[:1].isalpha() and figure.section[1:].isdigit(), key
    if figure.chapter:
        from pathlib import Path

        notebook = Path(__file__).resolve().parents[1] / "notebooks" / f"{figure.chapter}.ipynb"
        assert notebook.exists(), f"{key} names chapter {figure.chapter!r}, which does not exist"
