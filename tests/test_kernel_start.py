"""The notebook runs start their kernels again when one dies at start (see ../conftest.py)."""

import importlib.util
import pathlib

import pytest

_spec = importlib.util.spec_from_file_location(
    "root_conftest", pathlib.Path(__file__).resolve().parents[1] / "conftest.py"
)
root_conftest = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(root_conftest)


def _flaky(failures):
    calls = []

    def start(*args, stderr=None, **kwargs):
        calls.append(stderr)
        if len(calls) <= failures:
            stderr.write(f"port taken on try {len(calls)}\n")
            raise RuntimeError("Kernel died before replying to kernel_info")
        return "km", "kc"

    return start, calls


def test_a_kernel_that_dies_once_is_started_again():
    start, calls = _flaky(failures=1)
    assert root_conftest.retrying_start(start)(kernel_name="python3", stderr=None) == ("km", "kc")
    assert len(calls) == 2


def test_a_kernel_that_never_starts_reports_what_it_printed():
    start, calls = _flaky(failures=5)
    with pytest.raises(RuntimeError) as raised:
        root_conftest.retrying_start(start, tries=3)(kernel_name="python3")
    assert len(calls) == 3
    message = str(raised.value)
    assert "did not start in 3 tries" in message
    assert "port taken on try 3" in message


def test_nbval_uses_the_retrying_start(pytestconfig):
    nbval_kernel = pytest.importorskip("nbval.kernel")
    root_conftest.pytest_configure(pytestconfig)
    assert getattr(nbval_kernel.start_new_kernel, "_retries", False)
