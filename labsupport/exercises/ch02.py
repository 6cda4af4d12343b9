"""Exercises for chapter 2, LSTM input, output and parameters."""

from __future__ import annotations

from typing import Any

from labsupport import shapes
from labsupport.exercises import expect
from labsupport.exercises.core import Incorrect, exercise

Q1_UNITS, Q1_FEATURES, Q1_STEPS = 16, 8, 20


@exercise(
    "ch02.q1",
    answers=("n_lstm",),
    hints=(
        "The number of steps never enters the count: the same weights are used at every step.",
        "One block has units × (features + units) weights and units biases; an LSTM has four "
        "blocks: three gates (input, forget, output) and the cell candidate.",
    ),
)
def q1(answer: Any) -> str:
    """Predict the parameters of LSTM(16) reading 20 steps × 8 features."""
    n = expect.whole_number(answer, "n_lstm")
    units, features, steps = Q1_UNITS, Q1_FEATURES, Q1_STEPS
    right = shapes.lstm_params(features, units)
    if n == right:
        return f"{shapes.lstm_formula(features, units)}; the 20 steps play no part."
    if n in (right * steps, shapes.lstm_params(features * steps, units)):
        raise Incorrect(
            f"{n} grows with the 20 steps. An LSTM applies the same weights at every step, so "
            "the number of steps never enters the count."
        )
    expect.lstm_count(n, features, units)


@exercise(
    "ch02.q2",
    answers=("per_step",),
    hints=(
        "An LSTM returns only its last step unless you ask for every step.",
        "LSTM(8, return_sequences=True) gives (None, 5, 8); a Dense layer then acts on the last "
        "axis.",
    ),
)
def q2(answer: Any) -> str:
    """Build a model that reads 5 steps × 3 features and outputs one value per step."""
    import keras

    m = expect.model(answer, "per_step")
    in_shape = expect.input_shape(m)
    if in_shape[1:] == (3, 5):
        raise Incorrect(
            "Your model reads (None, 3, 5): 3 steps of 5 features. Steps come first: "
            "keras.Input((5, 3))."
        )
    if len(in_shape) != 3 or in_shape[1:] != (5, 3):
        raise Incorrect(
            f"Your model reads {expect.fmt_shape(in_shape)}; the data are 5 steps × 3 features, "
            "so keras.Input((5, 3))."
        )
    lstms = expect.layers_of(m, keras.layers.LSTM)
    if not lstms:
        raise Incorrect("Your model has no LSTM layer. Put layers.LSTM(8, ...) after the input.")
    lstm = lstms[-1]
    if lstm.units != 8:
        raise Incorrect(f"Your LSTM has {lstm.units} units; this exercise asks for 8.")
    out = expect.output_shape(m)
    if not lstm.return_sequences:
        try:
            lstm_out = expect.fmt_shape(tuple(lstm.output.shape))
        except (AttributeError, ValueError):
            lstm_out = f"(None, {lstm.units})"
        raise Incorrect(
            f"Your LSTM returns {lstm_out}: one vector per sample, from the last step only, so "
            f"the model ends at {expect.fmt_shape(out)} with no time axis. Set "
            "return_sequences=True to get (None, 5, 8), one vector per step."
        )
    if out == (None, 5, 8):
        raise Incorrect(
            "Your model outputs (None, 5, 8): the LSTM's 8 values per step. Add a Dense(1) "
            "after it to turn them into one value per step."
        )
    if len(out) == 2:
        raise Incorrect(
            f"Your model outputs {expect.fmt_shape(out)}: a Flatten or a second LSTM without "
            "return_sequences removed the time axis. Let the Dense layer act on the 3D output."
        )
    if out != (None, 5, 1):
        raise Incorrect(
            f"Your model outputs {expect.fmt_shape(out)}; one value per step is (None, 5, 1): "
            "the last layer needs 1 unit."
        )
    expect.behaves(m, what="per_step", per_step=True, per_step_head=True)
    return (
        f"(None, 5, 3) → (None, 5, 8) → (None, 5, 1); {m.count_params()} parameters, "
        f"{shapes.lstm_params(3, 8)} in the LSTM."
    )


@exercise(
    "ch02.q3",
    answers=("n_second",),
    hints=(
        "The second LSTM does not see the 4 input features: it reads what the first one returns.",
        "The first LSTM returns 3 values per step, so the second has features = 3.",
    ),
)
def q3(answer: Any) -> str:
    """Parameters of the second of two stacked LSTM(3) layers reading 4 features per step."""
    n = expect.whole_number(answer, "n_second")
    right = shapes.lstm_params(3, 3)
    if n == right:
        return f"{shapes.lstm_formula(3, 3)}: its input is the first LSTM's 3 values per step."
    if n == shapes.lstm_params(4, 3):
        raise Incorrect(
            f"{n} is the first LSTM's count, on the 4 input features. The second LSTM reads the "
            "first one's output: how many values per step is that?"
        )
    if n == shapes.lstm_params(4, 3) + right:
        raise Incorrect(f"{n} is both LSTMs together; the question asks for the second only.")
    if n == 3 * (3 + 3) + 3:
        raise Incorrect(f"{n} is one block; an LSTM has four (three gates and the cell candidate).")
    raise Incorrect(
        f"{n} is not it. Use 4 × (units × (features + units) + units), with the features the "
        "second LSTM actually receives."
    )


# --- Exercise 4: fix the step code -----------------------------------------------------------


_BLOCKS = ("i", "f", "c", "o")


def _step(x_t, h, c, W, U, b, *, order=_BLOCKS, cand=None, squash_h=True):
    import numpy as np

    z = dict(zip(order, np.split(x_t @ W + h @ U + b, 4, axis=-1), strict=True))

    def sig(v):
        return 1.0 / (1.0 + np.exp(-v))

    i, f, o = sig(z["i"]), sig(z["f"]), sig(z["o"])
    c_new = f * c + i * (cand or np.tanh)(z["c"])
    h_new = o * (np.tanh(c_new) if squash_h else c_new)
    return h_new, c_new


def _q4_case(seed: int = 5):
    """Random weights and states, and the step Keras's own LSTM takes from them."""
    import keras
    import numpy as np

    rng = np.random.default_rng(seed)
    batch, features, units = 3, 5, 4
    W = rng.normal(size=(features, 4 * units)).astype("float32")
    U = rng.normal(size=(units, 4 * units)).astype("float32")
    b = rng.normal(size=(4 * units,)).astype("float32")
    x_t = rng.normal(size=(batch, features)).astype("float32")
    h = rng.normal(size=(batch, units)).astype("float32") * 0.5
    c = rng.normal(size=(batch, units)).astype("float32")
    layer = keras.layers.LSTM(units, return_state=True)
    layer.build((None, 1, features))
    layer.set_weights([W, U, b])
    _, h_k, c_k = layer(x_t[:, None, :], initial_state=[h, c])
    convert = keras.ops.convert_to_numpy
    return (x_t, h, c, W, U, b), (convert(h_k), convert(c_k))


def _close(a, b) -> bool:
    import numpy as np

    a = np.asarray(a, dtype="float64")
    return a.shape == np.shape(b) and bool(np.allclose(a, b, atol=1e-4))


@exercise(
    "ch02.q4",
    answers=("fixed_step",),
    hints=(
        "The maths in broken_step is right; look at which slice of z each gate gets.",
        "Keras splits the 4 × units columns as input, forget, candidate, output: "
        "z_i, z_f, z_c, z_o = np.split(z, 4, axis=-1).",
    ),
)
def q4(answer: Any) -> str:
    """Fix an LSTM step written in NumPy so it matches Keras's LSTM."""
    import itertools

    import numpy as np

    if not callable(answer) or isinstance(answer, type):
        raise Incorrect(
            "fixed_step should be a function, def fixed_step(x_t, h, c, W, U, b), that returns "
            f"(h, c); it is {answer!r}."
        )
    args, (h_ref, c_ref) = _q4_case()
    try:
        result = answer(*(a.copy() for a in args))
    except Exception as exc:  # the learner's own code failed: say where, not a traceback
        raise Incorrect(
            f"Calling fixed_step(x_t, h, c, W, U, b) raised {type(exc).__name__}: {exc}"
        ) from None
    if not isinstance(result, (tuple, list)) or len(result) != 2:
        raise Incorrect("fixed_step should return two arrays, the new h and the new c: return h, c")
    h, c = (np.asarray(r, dtype="float64") for r in result)
    if h.shape != h_ref.shape or c.shape != c_ref.shape:
        raise Incorrect(
            f"fixed_step returned arrays of shapes {h.shape} and {c.shape}; with a batch of 3 "
            f"and 4 units both should be {h_ref.shape}."
        )
    if _close(h, h_ref) and _close(c, c_ref):
        return "Your step matches Keras's LSTM to float32 precision."
    if _close(h, c_ref) and _close(c, h_ref):
        raise Incorrect(
            "You return (c, h); Keras's order, and this exercise's, is h first: return h, c"
        )
    for order in itertools.permutations(_BLOCKS):
        wrong_h, wrong_c = _step(*args, order=order)
        if order != _BLOCKS and _close(h, wrong_h) and _close(c, wrong_c):
            raise Incorrect(
                f"Your step reads the blocks of z in the order {', '.join(order)}. Keras stores "
                "them as i, f, c, o (input, forget, candidate, output): the picture draws the "
                "forget gate first, but its columns come second."
            )
    if _close(h, _step(*args, squash_h=False)[0]):
        raise Incorrect("h is o × c; it should be o × tanh(c): the cell state is squashed first.")
    if _close(c, _step(*args, cand=lambda v: 1.0 / (1.0 + np.exp(-v)))[1]):
        raise Incorrect("The candidate uses a sigmoid; Keras uses tanh, so it can be negative.")
    if _close(c, c_ref):
        raise Incorrect("c is right, h is not: h = o × tanh(c), with the new c.")
    raise Incorrect(
        f"Your step differs from Keras's LSTM (largest difference in h: "
        f"{np.abs(h - h_ref).max():.3g}). Compare it with the lstm_step of the chapter."
    )
