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


def test_reloading_a_section_module_replaces_its_figures():
    """``importlib.reload`` (and IPython's autoreload) runs a module's registrations again."""
    import importlib

    from labsupport.stated import echo

    before = stated.get("A1.lstm")
    importlib.reload(echo)
    after = stated.get("A1.lstm")
    assert after is not before and after.source == before.source == 140
    assert set(KEYS) == set(stated.FIGURES)


def test_the_same_key_from_another_module_is_an_error():
    figure = stated.get("A1.lstm")
    with pytest.raises(ValueError, match=r"'A1.lstm' is defined twice: in labsupport.stated.echo"):
        stated.register(figure)  # called from this test module
    assert stated.get("A1.lstm") is figure


def test_claim_passes_the_stated_value_and_prints_both(capsys):
    stated.claim("A1.lstm", 140)
    out = capsys.readouterr().out
    assert out.startswith("✓ ") and "140" in out and "the source states 140" in out
    stated.claim("A1.lstm", 140.0)  # a float that equals the number is the same value


def test_claim_of_a_wrong_value_names_the_figure_the_value_and_the_source():
    figure = stated.get("A1.lstm")
    with pytest.raises(AssertionError) as raised:
        stated.claim("A1.lstm", 160)
    message = str(raised.value)
    assert figure.topic in message
    assert "computed 160" in message and "the source states 140" in message


def test_claim_compares_shapes_element_by_element():
    key = next(k for k, f in stated.FIGURES.items() if isinstance(f.source, tuple))
    source = stated.get(key).source
    stated.claim(key, list(source))
    wrong = tuple(source[:-1]) + ((source[-1] or 0) + 1,)
    with pytest.raises(AssertionError, match="computed"):
        stated.claim(key, wrong)


def test_claim_of_an_unknown_key_lists_the_known_ones():
    with pytest.raises(KeyError, match="A1.lstm"):
        stated.claim("Z9.nothing", 1)
