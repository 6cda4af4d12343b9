"""Everything the book's Benchmarks page uses, in one namespace: ``from benchmarks import report``.

The parts live in :mod:`benchmarks.schema` (the file), :mod:`benchmarks.targets`,
:mod:`benchmarks.tables`, :mod:`benchmarks.limits` (the arithmetic limit) and
:mod:`benchmarks.page` (sentences, notes and plots). Nothing here measures anything.
"""

from __future__ import annotations

from benchmarks.limits import (
    arithmetic_lines,
    arithmetic_table,
    mnist_speed_rows,
    mnist_speed_table,
)
from benchmarks.page import (
    Note,
    arithmetic_training_lines,
    book_and_test_lines,
    echo_line,
    machine_lines,
    mnist_checkpoint_lines,
    mnist_data_line,
    mnist_plot,
    mnist_target_lines,
    notebook_failures,
    notebooks_plot,
    quick_warning,
    section_line,
    three_ways_line,
)
from benchmarks.reference import td_cost_caption, td_cost_lines, td_cost_plot
from benchmarks.schema import SCHEMA_VERSION, SECTIONS, ResultsError, load, load_all, validate
from benchmarks.tables import (
    Table,
    echo_table,
    mnist_table,
    notebooks_table,
    targets_table,
    td_cost_ratio_table,
    td_cost_table,
    three_ways_table,
)

__all__ = [
    "SCHEMA_VERSION",
    "SECTIONS",
    "Note",
    "ResultsError",
    "Table",
    "arithmetic_lines",
    "arithmetic_table",
    "arithmetic_training_lines",
    "book_and_test_lines",
    "echo_line",
    "echo_table",
    "load",
    "load_all",
    "machine_lines",
    "mnist_checkpoint_lines",
    "mnist_data_line",
    "mnist_plot",
    "mnist_speed_rows",
    "mnist_speed_table",
    "mnist_table",
    "mnist_target_lines",
    "notebook_failures",
    "notebooks_plot",
    "notebooks_table",
    "quick_warning",
    "section_line",
    "targets_table",
    "td_cost_caption",
    "td_cost_lines",
    "td_cost_plot",
    "td_cost_ratio_table",
    "td_cost_table",
    "three_ways_line",
    "three_ways_table",
    "validate",
]
