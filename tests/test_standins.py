"""The CPU stand-in for a GPU's TensorFloat-32 (tests/standins/tf32.py, run by `make test-tf32`)
really rounds what it should, so the chapters that pass under it would pass under TF32."""

import json
import subprocess
import sys
from pathlib import Path

STANDIN = Path(__file__).parent / "standins" / "tf32.py"

PROBE = """
import runpy, sys
import numpy as np
if sys.argv[1] == "on":
    runpy.run_path(sys.argv[2])
import keras
from labsupport import numerics
# 1 + 2**-10 survives TF32's 10 mantissa bits; 1 + 2**-12 rounds to 1, 1 + 3 * 2**-12 to 1 + 2**-10.
a = np.array([[1 + 2**-10, 1 + 2**-12, 1 + 3 * 2**-12]], dtype="float32")
got = keras.ops.convert_to_numpy(keras.ops.matmul(a.T, np.ones((1, 1), "float32"))).ravel()
conv = keras.ops.convert_to_numpy(keras.ops.conv(a.reshape(1, 3, 1), np.ones((1, 1, 1), "float32")))
import json
full, atol = numerics.full_float32(), numerics.tolerance()["atol"]
print(json.dumps([got.tolist(), conv.ravel().tolist(), full, atol]))
"""


def probe(state: str) -> list:
    result = subprocess.run(
        [sys.executable, "-c", PROBE, state, str(STANDIN)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_standin_rounds_products_and_convolutions_to_tf32():
    products, convolutions, full, atol = probe("on")
    expected = [1 + 2**-10, 1.0, 1 + 2**-10]
    assert products == expected
    assert convolutions == expected
    assert full is False
    assert atol > 1e-4  # numerics measures the rounding and widens its tolerance


def test_without_the_standin_products_are_full_float32():
    products, convolutions, full, atol = probe("off")
    assert products == convolutions == [1 + 2**-10, 1 + 2**-12, 1 + 3 * 2**-12]
    assert full is True and atol == 1e-6
