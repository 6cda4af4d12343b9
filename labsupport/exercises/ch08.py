"""Exercises for chapter 8, CNN + LSTM on MNIST quadrants.

Several wrong models fail while Keras builds them, so a learner never holds a model to hand
in. These exercises take the *function that builds the model*: the checker calls it, and when
Keras raises, :mod:`labsupport.diagnose` names the mistake and the fix.
"""

from __future__ import annotations

from typing import Any

from labsupport import diagnose
from labsupport.exercises import expect
from labsupport.exercises.core import Incorrect, exercise

PARAM_BUDGET = 100_000
"""Exercise 2's parameter budget."""


def _build(answer: Any, name: str) -> Any:
    """Call the learner's builder (or take a model as it is); turn Keras errors into advice."""
    import keras

    if answer is None:
        raise Incorrect(
            f"Your answer is None. Pass the function that builds the model, e.g. "
            f"{name}.check(build_model), without calling it; and check that it ends with "
            "`return keras.Sequential([...])`."
        )
    if isinstance(answer, keras.Model):
        return expect.model(answer)
    if isinstance(answer, type) or not callable(answer):
        raise Incorrect(
            f"Expected the function that builds your model (def build_model(): ... return "
            f"model); got a {type(answer).__name__}."
        )
    try:
        model = answer()
    except TypeError as exc:
        if "argument" in str(exc):
            raise Incorrect(
                f"Calling your function with no arguments failed ({exc}). The builder takes "
                "no arguments: def build_model(): ..."
            ) from exc
        raise _keras_error(exc) from exc
    except Exception as exc:  # Keras raises ValueError mostly, but any error gets advice
        raise _keras_error(exc) from exc
    if model is None:
        raise Incorrect(
            "Your function returned None: end it with `return model` (or return the "
            "keras.Sequential directly)."
        )
    return expect.model(model, "the model your function returned")


def _keras_error(exc: BaseException) -> Incorrect:
    known = diagnose.diagnosis(exc)
    if known:
        return Incorrect(f"Keras could not build your model. {known}")
    first = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return Incorrect(
        f"Building your model raised {type(exc).__name__}: {first[:240]}. Build it layer by "
        "layer and print each output shape to see where it goes wrong."
    )


def _all_layers(m: Any) -> list:
    """Every layer of ``m``, looking inside TimeDistributed wrappers and nested models."""
    import keras

    found = []
    for layer in getattr(m, "layers", []):
        inner = layer.layer if isinstance(layer, keras.layers.TimeDistributed) else layer
        found.append(inner)
        if isinstance(inner, keras.Model):
            found.extend(_all_layers(inner))
    return found


def _count(m: Any, layer_type: type) -> int:
    return sum(isinstance(layer, layer_type) for layer in _all_layers(m))


SOLUTION_Q1 = """
def build_wrapped():
    return keras.Sequential([
        keras.Input((4, 56, 14, 1)),  # 4 steps, each a 56 x 14 picture, channels last
        layers.TimeDistributed(layers.Conv2D(32, 3, activation="relu")),
        layers.TimeDistributed(layers.Conv2D(32, 3, activation="relu")),
        layers.TimeDistributed(layers.MaxPooling2D(2)),
        layers.TimeDistributed(layers.Flatten()),  # (None, 4, 4160): one vector per step
        layers.LSTM(5),
        layers.Dense(10, activation="softmax"),
    ])
"""


@exercise(
    "ch08.q1",
    hints=(
        "Every layer that works on one picture (Conv2D, MaxPooling2D, Flatten) must let the "
        "time axis pass through untouched. Which wrapper does that?",
        "Wrap each of them: layers.TimeDistributed(layers.Conv2D(32, 3, activation='relu')), "
        "... , layers.TimeDistributed(layers.Flatten()), then LSTM(5) and the Dense layers. "
        "No Reshape is needed.",
    ),
    solution=SOLUTION_Q1,
)
def q1(build: Any) -> str:
    """Fix the question's model: wrap the per-image layers so the time axis passes through."""
    import keras

    m = _build(build, "ch08.q1")
    in_shape = expect.input_shape(m)
    if in_shape[1:] != (4, 56, 14, 1):
        if in_shape[1:] == (4, 1, 56, 14):
            raise Incorrect(
                "Your input is channels first, (4, 1, 56, 14), as the question had it. Keras "
                "layers read the channel axis last unless each one is told otherwise "
                "(data_format='channels_last' is the default), and TensorFlow's CPU "
                "convolutions without oneDNN accept nothing else: use "
                "keras.Input((4, 56, 14, 1)), the layout of the width-stacked data."
            )
        raise Incorrect(
            f"Your model reads {expect.fmt_shape(in_shape)}; the width-stacked data is "
            "(None, 4, 56, 14, 1): 4 steps of 56 × 14 pictures with one channel."
        )
    n_convs = _count(m, keras.layers.Conv2D)
    if n_convs < 2:
        raise Incorrect(
            f"Your model has {n_convs} Conv2D layer(s); keep the question's two "
            "Conv2D(32, 3) layers, each wrapped in TimeDistributed."
        )
    if not _count(m, keras.layers.LSTM):
        raise Incorrect("Your model has no LSTM. Keep the question's LSTM(5) after the CNN.")
    for layer in m.layers:
        if isinstance(layer, keras.layers.Reshape):
            raise Incorrect(
                "Your model builds, but it still has a Reshape. With every per-image layer "
                "in TimeDistributed (Flatten included) the LSTM already gets (None, 4, "
                "features): drop the Reshape, it is where the question's size error came from."
            )
    out = expect.output_shape(m)
    if out != (None, 10):
        raise Incorrect(
            f"Your model outputs {expect.fmt_shape(out)}; one probability per digit is "
            "(None, 10): the LSTM returns its last output only, then Dense(10, softmax)."
        )
    return (
        "It builds: TimeDistributed runs the CNN on each of the 4 steps with one set of "
        "weights, and the LSTM gets (None, 4, 4160)."
    )


SOLUTION_Q2 = """
def build_small():
    return keras.Sequential([
        keras.Input((4, 14, 14, 1)),
        layers.TimeDistributed(layers.Conv2D(16, 3, padding="same", activation="relu")),
        layers.TimeDistributed(layers.MaxPooling2D(2)),  # 14 -> 7
        layers.TimeDistributed(layers.Conv2D(32, 3, padding="same", activation="relu")),
        layers.TimeDistributed(layers.MaxPooling2D(2)),  # 7 -> 3
        layers.TimeDistributed(layers.Flatten()),  # (None, 4, 288)
        layers.LSTM(64),
        layers.Dense(10, activation="softmax"),
    ])
"""


@exercise(
    "ch08.q2",
    hints=(
        "Start from keras.Input((4, 14, 14, 1)). Most parameters will sit in the LSTM: its "
        "count grows with the number of features each step hands it.",
        "Two TimeDistributed conv + pooling blocks shrink each quadrant to 3 × 3; Flatten "
        "(wrapped) then gives a few hundred features per step, so an LSTM(64) fits the budget.",
    ),
    solution=SOLUTION_Q2,
)
def q2(build: Any) -> str:
    """Build a quadrant CNN+LSTM: (None, 4, 14, 14, 1) in, (None, 10) out, <= 100,000 params."""
    import keras

    m = _build(build, "ch08.q2")
    in_shape = expect.input_shape(m)
    if in_shape[1:] != (4, 14, 14, 1):
        if in_shape[1:] in ((14, 14, 4), (14, 14, 1), (28, 28, 1)):
            raise Incorrect(
                f"Your model reads {expect.fmt_shape(in_shape)}: that is not a sequence. "
                "The quadrants come as 4 steps of 14 × 14 × 1: keras.Input((4, 14, 14, 1))."
            )
        raise Incorrect(
            f"Your model reads {expect.fmt_shape(in_shape)}; the quadrant sequences are "
            "(None, 4, 14, 14, 1)."
        )
    rnns = [
        layer
        for layer in _all_layers(m)
        if isinstance(layer, (keras.layers.LSTM, keras.layers.GRU))
    ]
    if not rnns:
        raise Incorrect(
            "Your model has no LSTM: the exercise is a CNN per quadrant, then an LSTM that "
            "reads the four feature vectors in order."
        )
    if not _count(m, keras.layers.Conv2D):
        raise Incorrect(
            "Your model has no Conv2D: put a small CNN, wrapped in TimeDistributed, before "
            "the LSTM."
        )
    out = expect.output_shape(m)
    if out == (None, 4, 10):
        raise Incorrect(
            "Your model outputs (None, 4, 10): one answer per quadrant. A digit needs one "
            "answer per image: leave the LSTM's return_sequences at False."
        )
    if out != (None, 10):
        raise Incorrect(
            f"Your model outputs {expect.fmt_shape(out)}; it should give one probability per "
            "digit, (None, 10)."
        )
    last = m.layers[-1]
    activation = getattr(getattr(last, "activation", None), "__name__", "")
    if activation != "softmax":
        raise Incorrect(
            "The last layer has no softmax. With sparse_categorical_crossentropy (the "
            "default from_logits=False) the outputs must be probabilities: "
            "Dense(10, activation='softmax')."
        )
    total = m.count_params()
    if total > PARAM_BUDGET:
        lstm = rnns[0]
        share = lstm.count_params() / total
        raise Incorrect(
            f"Your model has {total:,} parameters, over the {PARAM_BUDGET:,} budget; the "
            f"recurrent layer holds {share:.0%} of them. Its size grows with the features per "
            "step: pool each quadrant down (MaxPooling2D, or GlobalAveragePooling2D) before "
            "Flatten, or use fewer units."
        )
    return (
        f"(None, 4, 14, 14, 1) -> (None, 10) with {total:,} parameters, within the "
        f"{PARAM_BUDGET:,} budget."
    )
