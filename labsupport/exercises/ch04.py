"""Exercises for chapter 4, the many-to-many echo with TimeDistributed."""

from __future__ import annotations

from typing import Any

import numpy as np

from labsupport.data import echo_sequence
from labsupport.exercises import expect
from labsupport.exercises.builders import built_model
from labsupport.exercises.core import Incorrect, exercise


@exercise(
    "ch04.q1",
    answers=("y_m2m",),
    hints=(
        "The model's output is (samples, steps, values per step). The targets have the same "
        "three axes.",
        "One sample, five steps, one value at each step: seq.reshape(...) with three numbers.",
    ),
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


_OUTPUT_FIX = (
    "The echo's targets are plain numbers: wrap layers.Dense(1) without an activation, "
    "layers.TimeDistributed(layers.Dense(1))."
)


def _echoes_step_by_step(m: Any) -> None:
    """The many-to-many echo's behaviour: finite, reads its input, one echo per step."""
    expect.behaves(
        m,
        what="The model",
        targets=echo_sequence(5).reshape(1, 5, 1),
        per_step=True,
        per_step_head=True,
        fixes={"output": _OUTPUT_FIX},
    )


_NEEDS_SEQUENCES = (
    "your LSTM returns (None, 5), one vector for the whole sequence; TimeDistributed needs "
    "a time axis, (None, 5, 5): set return_sequences=True on the LSTM."
)


@exercise(
    "ch04.q2",
    answers=("build_m2m",),
    hints=(
        "TimeDistributed applies its layer to every step, so it needs an input with a time "
        "axis. What must the LSTM hand it?",
        "The LSTM needs return_sequences=True, and the wrapped layer gives one value per step: "
        "layers.TimeDistributed(layers.Dense(1)).",
    ),
)
def q2(build: Any) -> str:
    """Write a function that builds the many-to-many model; the check calls it."""
    import keras

    m = built_model(build, builder="build_m2m", check="ch04.q2", accept_model=False)
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
    _echoes_step_by_step(m)
    wrapped = [layer for layer in m.layers if isinstance(layer, keras.layers.TimeDistributed)]
    if not wrapped:
        return (
            "It works: in Keras 3 a plain Dense(1) on the 3D sequence acts on the last axis "
            "at every step, exactly like TimeDistributed(Dense(1)). For practice with the "
            "wrapper, try it with layers.TimeDistributed(layers.Dense(1)) too."
        )
    return "LSTM(5, return_sequences=True) → TimeDistributed(Dense(1)): (None, 5, 1), 146 weights."


@exercise(
    "ch04.q3",
    answers=("n_td",),
    hints=(
        "TimeDistributed adds no weights of its own. How many does the layer it wraps have?",
        "The wrapped Dense(1) reads one 5-vector (one step of the LSTM's output) at a time: "
        "units × inputs + units.",
    ),
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


@exercise(
    "ch04.q4",
    answers=("predicted_shape", "predicted_params"),
    hints=(
        "TimeDistributed keeps the steps axis and applies its layer to each step's 5-vector.",
        "One Dense(2) reading 5 values has 5 × 2 + 2 weights, whatever the number of steps.",
    ),
)
def q4(shape: Any, params: Any) -> str:
    """Predict the output shape and count of LSTM(5, return_sequences=True) → TD(Dense(2))."""
    got = expect.shape(shape, "predicted_shape")
    n = expect.whole_number(params, "predicted_params")
    if got in ((None, 2), (None, 10)):
        raise Incorrect(
            f"{expect.fmt_shape(got)} has lost the time axis. TimeDistributed keeps the "
            "steps: (None, steps, values per step)."
        )
    if got == (None, 5, 1):
        raise Incorrect("(None, 5, 1) is the chapter's model. Dense(2) gives 2 values per step.")
    if got == (None, 5, 5):
        raise Incorrect("(None, 5, 5) is the LSTM's output; the wrapped Dense(2) comes after it.")
    if got == (5, 2):
        raise Incorrect("Keep the batch axis, written None, in front.")
    if got != (None, 5, 2):
        raise Incorrect(f"{expect.fmt_shape(got)} is not it; (batch, steps, values per step).")
    if n == 200:
        raise Incorrect(
            "200 gives each of the 5 steps a Dense(2) of its own (5 × 12). TimeDistributed "
            "reuses one set of 12 weights at every step."
        )
    if n == 142:
        raise Incorrect("142 forgets the weights: Dense(2) reads 5 values, each with 2 weights.")
    if n != 152:
        raise Incorrect(f"The shape is right; {n} is not the count. LSTM first, then one Dense(2).")
    return (
        "(None, 5, 2) and 152: one Dense(2) of 12 weights at every step. Run the next cell "
        "to see Keras agree."
    )


@exercise(
    "ch04.q5",
    answers=("build_shared",),
    hints=(
        "Count the output layer's weights in the broken model: are they shared by the steps?",
        "Give the LSTM return_sequences=True and answer at each step with one wrapped "
        "Dense(1); the Reshape is then not needed.",
    ),
)
def q5(build: Any) -> str:
    """Fix the model that only looks many-to-many; the check calls your function."""
    import keras

    m = built_model(build, builder="build_shared", check="ch04.q5", accept_model=False)
    lstms = expect.layers_of(m, keras.layers.LSTM)
    if not lstms:
        raise Incorrect("The model has no LSTM layer. Keep layers.LSTM(5, ...) after the input.")
    if not lstms[0].return_sequences:
        raise Incorrect(
            "The LSTM still hands on one vector for the whole sequence, so the output layer "
            "cannot answer step by step. Set return_sequences=True."
        )
    if expect.layers_of(m, keras.layers.Reshape):
        raise Incorrect(
            "There is still a Reshape. With return_sequences=True the output is already "
            "(None, 5, ...): one Dense(1) at each step gives (None, 5, 1) without it."
        )
    if tuple(expect.input_shape(m)[1:]) not in ((5, 1), (None, 1)) or lstms[0].units != 5:
        raise Incorrect("Keep keras.Input((5, 1)) and LSTM(5) as in the broken model.")
    out = expect.output_shape(m)
    if out not in ((None, 5, 1), (None, None, 1)):
        raise Incorrect(
            f"The model outputs {expect.fmt_shape(out)}; the echo needs one value per step, "
            "(None, 5, 1): end with layers.TimeDistributed(layers.Dense(1))."
        )
    total = m.count_params()
    if total != 146:
        raise Incorrect(f"The model has {total} parameters; 140 + 6 = 146. Remove extra layers.")
    _echoes_step_by_step(m)
    return (
        "146 parameters: the output layer is one Dense(1) of 6 weights, shared by the 5 steps, "
        "instead of 30 weights, one set per position."
    )


@exercise(
    "ch04.q6",
    answers=("model", "changed_steps"),
    hints=(
        "Change one input value, predict again, and compare the two outputs step by step.",
        "The LSTM reads the steps in order. Which outputs can the value at step 2 reach?",
    ),
)
def q6(model: Any, steps: Any) -> str:
    """Change the input at step 2: at which steps does the trained model's output change?"""
    from keras import ops

    m = expect.model(model, "the model")
    expect.behaves(m, what="The model", reads_input=False)
    if steps is None or isinstance(steps, (str, float)) or not hasattr(steps, "__iter__"):
        raise Incorrect(f"changed_steps should be a list of step numbers; it is {steps!r}.")
    try:
        got = sorted({int(t) for t in steps})
    except (TypeError, ValueError):
        raise Incorrect("changed_steps should hold whole step numbers, 0 to 4.") from None
    x = echo_sequence(5).reshape(1, 5, 1)
    changed = x.copy()
    changed[0, 2, 0] = 0.0
    moved = np.abs(ops.convert_to_numpy(m(changed)) - ops.convert_to_numpy(m(x))).ravel()
    want = [t for t in range(5) if moved[t] > 1e-6]
    if got == want:
        return (
            f"Steps {want}: the output at a step depends on the inputs up to that step and "
            "never on later ones. The LSTM reads left to right, and its state carries the "
            "change forward."
        )
    if got and (min(got) < 0 or max(got) > 4):
        raise Incorrect("Steps are numbered from 0 to 4, as in x[0, t, 0].")
    if got == list(range(5)):
        raise Incorrect(
            "Not every step: the outputs before step 2 were computed before the LSTM read "
            "step 2. Compare the two predictions step by step."
        )
    if got == [2]:
        raise Incorrect(
            "Not step 2 alone: the LSTM's state carries what it read at step 2 on to the "
            "later steps. Compare the two predictions step by step."
        )
    raise Incorrect(
        f"{got} is not what this model shows. Predict x and the changed x, and list the "
        "steps whose outputs differ by more than 1e-6."
    )
