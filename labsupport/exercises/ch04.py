"""Exercises for chapter 4, the many-to-many echo with TimeDistributed."""

from __future__ import annotations

from typing import Any

import numpy as np

from labsupport.data import echo_sequence
from labsupport.exercises import expect
from labsupport.exercises.core import Incorrect, exercise

SOLUTION_Q1 = """
y_m2m = seq.reshape(1, 5, 1)  # 1 sample, 5 steps, 1 target value per step
"""


@exercise(
    "ch04.q1",
    hints=(
        "The model's output is (samples, steps, values per step). The targets have the same "
        "three axes.",
        "One sample, five steps, one value at each step: seq.reshape(...) with three numbers.",
    ),
    solution=SOLUTION_Q1,
)
def q1(y: Any) -> str:
    """Shape the echo targets for many-to-many: y of (1, 5, 1), like the model's output."""
    y = expect.array(y, "y")
    seq = echo_sequence(5)
    if y.shape == (1, 5):
        raise Incorrect(
            "y has shape (1, 5), the many-to-one targets. The many-to-many model outputs "
            "(1, 5, 1), one value at each step. Keras 3 happens to let 2D targets through "
            "(its loss drops the output's last axis of size 1), but your own comparisons with "
            "the predictions would broadcast to (1, 5, 5): give y the output's three axes."
        )
    if y.shape == (5,):
        raise Incorrect(
            "y has shape (5,): one flat row without the samples or the per-step axis. Match "
            "the model's output: (samples, steps, values per step)."
        )
    if y.shape == (5, 1, 1):
        raise Incorrect(
            "y has shape (5, 1, 1): five samples of one step. x holds one sample of five "
            "steps, and y must have one entry per step of that sample."
        )
    if y.shape == (1, 1, 5):
        raise Incorrect(
            "y has shape (1, 1, 5): one step with five values. The output has five steps with "
            "one value each; put the five values on the steps axis."
        )
    if y.shape == (5, 1):
        raise Incorrect(
            "y has shape (5, 1), the one-to-one targets: five samples of one value. Here the "
            "targets are one sample with a value at each of its five steps (three axes)."
        )
    if y.ndim != 3:
        raise Incorrect(
            f"y has {y.ndim} dimension(s), shape {y.shape}; the model's output is 3D, "
            "(samples, steps, values per step), and so are its targets."
        )
    if y.shape != (1, 5, 1):
        raise Incorrect(f"y has shape {y.shape}; one sample of 5 steps with 1 value each.")
    if not np.allclose(y.ravel(), seq):
        raise Incorrect(
            "y has the right shape but not the right values. In an echo the target at each "
            "step is the input at that step: 0.0, 0.2, 0.4, 0.6, 0.8 in order."
        )
    return "y is (1, 5, 1): the same three axes as the model's output, one target per step."


SOLUTION_Q2 = """
def build_m2m():
    return keras.Sequential([
        keras.Input((5, 1)),                       # 5 steps of 1 feature
        layers.LSTM(5, return_sequences=True),     # one 5-vector per step: (None, 5, 5)
        layers.TimeDistributed(layers.Dense(1)),   # the same Dense(1) at every step
    ])
"""

_NEEDS_SEQUENCES = (
    "your LSTM returns (None, 5), one vector for the whole sequence; TimeDistributed needs "
    "a time axis, (None, 5, 5): set return_sequences=True on the LSTM."
)


@exercise(
    "ch04.q2",
    hints=(
        "TimeDistributed applies its layer to every step, so it needs an input with a time "
        "axis. What must the LSTM hand it?",
        "The LSTM needs return_sequences=True, and the wrapped layer gives one value per step: "
        "layers.TimeDistributed(layers.Dense(1)).",
    ),
    solution=SOLUTION_Q2,
)
def q2(build: Any) -> str:
    """Write a function that builds the many-to-many model; the check calls it."""
    import keras

    if isinstance(build, keras.Model):
        raise Incorrect(
            "You passed a model. Pass the function that builds it, without calling it: "
            "ch04.q2.check(build_m2m), not ch04.q2.check(build_m2m())."
        )
    if isinstance(build, type):
        raise Incorrect(
            f"You passed the class {build.__name__}. Write your own function, "
            "def build_m2m(): return keras.Sequential([...]), and pass build_m2m."
        )
    if not callable(build):
        kind = "None" if build is None else f"a {type(build).__name__}"
        raise Incorrect(
            f"Expected a function that returns a model; got {kind}. "
            "Write def build_m2m(): return keras.Sequential([...]) and pass build_m2m."
        )
    try:
        answer = build()
    except ValueError as err:
        text = str(err)
        if "TimeDistributed" in text and "3 dimensions" in text:
            raise Incorrect(f"Keras refused to build the model: {_NEEDS_SEQUENCES}") from None
        raise Incorrect(
            f"Calling your function raised ValueError: {text.splitlines()[0][:300]}\n\n"
            "Run build_m2m() in a cell of its own to see the whole message."
        ) from None
    except TypeError as err:
        raise Incorrect(
            f"Calling your function raised TypeError: {str(err)[:300]}\n\nThe check calls "
            "build_m2m() with no arguments; a layer may also have been given a wrong argument."
        ) from None
    except Exception as err:
        raise Incorrect(
            f"Calling your function raised {type(err).__name__}: {str(err)[:300]}\n\n"
            "Run build_m2m() in a cell of its own and fix that first."
        ) from None
    if answer is None:
        raise Incorrect(
            "Your function returned None. Did you forget the return in front of "
            "keras.Sequential([...])?"
        )
    m = expect.model(answer, "the model your function returns")
    lstms = expect.layers_of(m, keras.layers.LSTM)
    if not lstms:
        raise Incorrect("The model has no LSTM layer. Add layers.LSTM(5, ...) after the input.")
    in_shape = expect.input_shape(m)
    if in_shape[1:] == (1, 5):
        raise Incorrect(
            "The model expects (None, 1, 5): one step with 5 features. The echo is 5 steps "
            "of 1 feature: keras.Input((5, 1))."
        )
    if len(in_shape) != 3 or in_shape[1:] not in ((5, 1), (None, 1)):
        raise Incorrect(
            f"The model expects {expect.fmt_shape(in_shape)}; a sample here is 5 steps of "
            "1 feature."
        )
    lstm = lstms[0]
    if lstm.units != 5:
        raise Incorrect(
            f"The LSTM has {lstm.units} units ({lstm.count_params()} parameters); this "
            "exercise uses 5."
        )
    if not lstm.return_sequences:
        raise Incorrect(_NEEDS_SEQUENCES[0].upper() + _NEEDS_SEQUENCES[1:])
    out = expect.output_shape(m)
    if len(out) == 2:
        raise Incorrect(
            f"The model outputs {expect.fmt_shape(out)}: the time axis is gone again. A "
            "Flatten or a second LSTM without return_sequences drops it; keep one output "
            "per step."
        )
    if len(out) == 3 and out[2] != 1:
        raise Incorrect(
            f"The model outputs {expect.fmt_shape(out)}: {out[2]} values at each step. The "
            "echo gives back one value per step: wrap Dense(1)."
        )
    if out[1:] != (5, 1) and out[1:] != (None, 1):
        raise Incorrect(f"The model outputs {expect.fmt_shape(out)}; expected (None, 5, 1).")
    total = m.count_params()
    if total != 146:
        raise Incorrect(
            f"The model has {total} parameters; LSTM(5) and a per-step Dense(1) have "
            "140 + 6 = 146. Look for an extra layer."
        )
    wrapped = [layer for layer in m.layers if isinstance(layer, keras.layers.TimeDistributed)]
    if not wrapped:
        return (
            "It works: in Keras 3 a plain Dense(1) on the 3D sequence acts on the last axis "
            "at every step, exactly like TimeDistributed(Dense(1)). For practice with the "
            "wrapper, try it with layers.TimeDistributed(layers.Dense(1)) too."
        )
    return "LSTM(5, return_sequences=True) → TimeDistributed(Dense(1)): (None, 5, 1), 146 weights."


SOLUTION_Q3 = """
n_td = 5 * 1 + 1  # Dense(1) on a 5-vector; the wrapper reuses it at every step
"""


@exercise(
    "ch04.q3",
    hints=(
        "TimeDistributed adds no weights of its own. How many does the layer it wraps have?",
        "The wrapped Dense(1) reads one 5-vector (one step of the LSTM's output) at a time: "
        "units × inputs + units.",
    ),
    solution=SOLUTION_Q3,
)
def q3(answer: Any) -> str:
    """How many parameters has TimeDistributed(Dense(1)) on the LSTM's (None, 5, 5) output?"""
    n = expect.whole_number(answer, "n_td")
    if n == 6:
        return (
            "6: the Dense(1) has 5 weights and a bias, and TimeDistributed applies those same "
            "6 numbers at each of the 5 steps. More steps would not add any."
        )
    if n == 30:
        raise Incorrect(
            "30 counts a separate Dense(1) for each of the 5 steps. That is the many-to-one "
            "model's Dense(5). TimeDistributed reuses one set of weights at every step."
        )
    if n == 0:
        raise Incorrect(
            "The wrapper itself adds nothing, true, but Keras counts the wrapped layer's "
            "weights as the wrapper's. Count the Dense(1)'s."
        )
    if n == 5:
        raise Incorrect("5 counts the weights but not the bias.")
    if n == 2:
        raise Incorrect(
            "2 would be Dense(1) on a single value. The Dense reads one step of the LSTM's "
            "output at a time, and each step has one value per LSTM unit."
        )
    if n == 26:
        raise Incorrect(
            "26 treats the 5 × 5 sequence as one long input. Dense reads only the last axis; "
            "the steps axis is where the same weights are reused."
        )
    if n == 146:
        raise Incorrect("146 is the whole model, LSTM included. Count the output layer alone.")
    if n == 140:
        raise Incorrect("140 is the LSTM's count. The question asks about the layer after it.")
    raise Incorrect(
        f"{n} is not it. TimeDistributed adds no weights; count those of the Dense(1) it "
        "wraps, which reads one 5-vector per step."
    )
