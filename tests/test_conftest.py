"""Every test file is of one kind, so `make test-unit`, `test-checkers`, `test-book` and
`test-tooling` together run every test `make test` runs (see conftest.py)."""

from pathlib import Path

from .conftest import KINDS, kind_of

HERE = Path(__file__).resolve().parent


def test_every_test_file_has_a_kind():
    files = sorted(p.name for p in HERE.glob("test_*.py"))
    unplaced = [name for name in files if kind_of(name) is None]
    assert not unplaced, f"give these a kind in tests/conftest.py: {unplaced}"
    assert {kind_of(name) for name in files} == set(KINDS)


def test_kinds_by_name():
    assert kind_of("test_td_cost.py") == "unit"  # labsupport/td_cost.py
    assert kind_of("test_plotting_conv.py") == "unit"  # labsupport/plotting/conv.py
    assert kind_of("test_plotting_cnn_lstm.py") == "unit"  # labsupport/plotting/cnn_lstm.py
    assert kind_of("test_builders.py") == "checkers"  # the exercises' own module
    assert kind_of("test_ch02b.py") == "checkers"
    assert kind_of("test_student_edition.py") == "book"
    assert kind_of("test_benchmarks_costs.py") == "tooling"
    assert kind_of("test_something_new.py") is None
