"""Exercises for chapter 9, the encoder-decoder with RepeatVector and TimeDistributed."""

from __future__ import annotations

from typing import Any

import numpy as np

from labsupport import diagnose
from labsupport.data import seq2seq as s2s
from labsupport.exercises import builders, expect
from labsupport.exercises.core import Incorrect, describe, exercise
from labsupport.shapes import dense_params, lstm_params

# ------------------------------------------------------------------ q1: predict counts and shape

Q1_QUESTION, Q1_ANSWER, Q1_VOCAB, Q1_ENCODER, Q1_DECODER = 7, 4, 12, 32, 64


def _q1_decoder(n: int) -> None:
    units, features = Q1_DECODER, Q1_ENCODER
    if n == lstm_params(features, units):
        return
    wrong_features = {
        Q1_VOCAB: "the vocabulary (12)",
        Q1_QUESTION: "the question's 7 steps",
        Q1_ANSWER: "RepeatVector's 4",
    }
    for f, what in wrong_features.items():
        if n == lstm_params(f, units):
            raise Incorrect(
                f"n_decoder = {n} takes {what} as the decoder's features. The decoder reads "
                "what RepeatVector hands it: at each of its 4 steps the same encoder vector, "
                "32 values. So features = 32."
            )
    if n == Q1_ANSWER * lstm_params(features, units):
        raise Incorrect(
            f"n_decoder = {n} counts a separate LSTM for each of the 4 steps. An LSTM uses "
            "the same weights at every step; the number of steps adds none."
        )
    expect.lstm_count(n, features, units)


def _q1_td(n: int) -> None:
    if n == dense_params(Q1_DECODER, Q1_VOCAB):
        return
    if n == Q1_ANSWER * dense_params(Q1_DECODER, Q1_VOCAB):
        raise Incorrect(
            f"n_td = {n} counts one Dense(12) per step. TimeDistributed applies the same "
            "Dense(12) at all 4 steps: count it once."
        )
    if n == Q1_DECODER * Q1_VOCAB:
        raise Incorrect(f"n_td = {n} leaves out the bias: one per unit, 12 more.")
    if n == dense_params(Q1_ENCODER, Q1_VOCAB):
        raise Incorrect(
            f"n_td = {n} gives the Dense the encoder's 32 values. It reads the decoder's "
            "output, 64 values per step."
        )
    if n == 0:
        raise Incorrect(
            "The wrapper adds no weights of its own, but Keras counts the wrapped Dense(12)'s "
            "as the wrapper's. Count those."
        )
    raise Incorrect(
        f"n_td = {n} is not it. The Dense(12) reads one step of the decoder's output (64 "
        "values): units × inputs + units."
    )


def _q1_shape(shape: Any) -> None:
    shape = expect.shape(shape, "out_shape")
    if shape == (None, Q1_ANSWER, Q1_VOCAB):
        return
    if shape == (Q1_ANSWER, Q1_VOCAB):
        raise Incorrect(
            "out_shape (4, 12) leaves out the batch axis. Keras shows it first, as None: "
            "(None, 4, 12)."
        )
    if len(shape) == 3 and shape[1] == Q1_QUESTION:
        raise Incorrect(
            "out_shape has the question's 7 steps. The output has as many steps as "
            "RepeatVector(4) makes, one per answer character."
        )
    if len(shape) == 3 and shape[2] == Q1_DECODER:
        raise Incorrect(
            "out_shape ends in 64, the decoder's units. TimeDistributed(Dense(12)) turns each "
            "step's 64 values into 12 probabilities, one per character of the vocabulary."
        )
    if len(shape) == 3 and shape[2] == 1:
        raise Incorrect(
            "out_shape has one value per step. The softmax gives one probability for every "
            "character in the vocabulary, 12 per step."
        )
    if len(shape) == 2:
        raise Incorrect(
            f"out_shape {expect.fmt_shape(shape)} has no time axis. The decoder returns "
            "sequences, and TimeDistributed keeps the steps: (batch, steps, vocabulary)."
        )
    raise Incorrect(
        f"out_shape {shape} is not it: (batch, answer characters, vocabulary), batch as None."
    )


@exercise(
    "ch09.q1",
    answers=("n_decoder", "n_td", "out_shape"),
    hints=(
        "The decoder's features are what it reads at each step: the encoder's vector, copied "
        "by RepeatVector. The Dense reads one step of the decoder's output at a time.",
        "LSTM: 4 × (units × (features + units) + units) with features = 32 and units = 64. "
        "Dense: units × inputs + units with inputs = 64. Output: (None, steps, vocabulary).",
    ),
)
def q1(n_decoder: Any, n_td: Any, out_shape: Any) -> str:
    """Predict the decoder's and the output layer's parameter counts and the output shape."""
    _q1_decoder(expect.whole_number(n_decoder, "n_decoder"))
    _q1_td(expect.whole_number(n_td, "n_td"))
    _q1_shape(out_shape)
    return (
        "24,832 for the decoder (its features are the encoder's 32 units), 780 for "
        "TimeDistributed(Dense(12)) whatever the number of steps, and (None, 4, 12) out: "
        "12 probabilities for each of the 4 answer characters."
    )


# ------------------------------------------------------------------ q2: fix the broken model

_NO_REPEAT = (
    "An LSTM received a 2D input, {shape}: one vector per sample and no time axis, while an "
    "LSTM reads (batch, steps, features). If that is the decoder, it got the encoder's final "
    "vector: put layers.RepeatVector(3) between the two LSTMs, so the vector is copied once "
    "for each of the 3 answer characters. (If it is the encoder, keras.Input needs two "
    "numbers: (5, 12).)"
)
_NO_SEQUENCES = (
    "the decoder LSTM returns one vector, (None, 64), so there is no step left to apply the "
    "Dense to and only one character would come out. Set return_sequences=True on the "
    "decoder: it then returns (None, 3, 64), one vector per answer character."
)


def _decoder_without_repeat(e: diagnose.KerasError) -> str | None:
    n = diagnose.ndim(e)
    if not (n and n.want == 3 and n.found == 2 and n.kind == "ndim"):
        return None
    return _NO_REPEAT.format(shape=n.shape or "2D")


def _decoder_without_sequences(e: diagnose.KerasError) -> str | None:
    if not ("TimeDistributed" in e.message and "3 dimensions" in e.message):
        return None
    return _NO_SEQUENCES[0].upper() + _NO_SEQUENCES[1:]


def _encoder_returns_sequences(e: diagnose.KerasError) -> str | None:
    n = diagnose.ndim(e)
    if not ("repeat_vector" in e.message and n and (n.kind, n.want, n.found) == ("ndim", 2, 3)):
        return None
    return (
        "RepeatVector received a sequence, (None, 5, 64). It copies one vector, so the "
        "encoder must return only its final output: leave return_sequences off the "
        "first LSTM."
    )


RULES = (
    diagnose.Rule("ch09.decoder_without_repeat", _decoder_without_repeat),
    diagnose.Rule("ch09.decoder_without_sequences", _decoder_without_sequences),
    diagnose.Rule("ch09.encoder_returns_sequences", _encoder_returns_sequences),
)
"""This chapter's advice for the errors Keras raises while building an encoder-decoder, tried
before the book's (:mod:`labsupport.diagnose`): it names the exercise's own sizes."""


def _build(build: Any) -> Any:
    """Call the learner's builder; this chapter's advice first, then the book's."""
    return builders.built_model(
        build, builder="build_fixed", check="ch09.q2", accept_model=False, rules=RULES
    )


@exercise(
    "ch09.q2",
    answers=("build_fixed",),
    hints=(
        "Follow the shapes: the encoder gives one vector per question; the decoder must read "
        "3 steps; each step must end in 12 probabilities.",
        "Four fixes: RepeatVector(3) after the encoder, return_sequences=True on the decoder, "
        "Dense(12) (the vocabulary) and activation='softmax', wrapped in TimeDistributed.",
    ),
)
def q2(build: Any) -> str:
    """Fix the broken encoder-decoder; pass the function that builds it."""
    import keras

    m = _build(build)
    shape = expect.input_shape(m)
    if shape[1:] != (5, 12):
        raise Incorrect(
            f"The model reads {expect.fmt_shape(shape)}. A question is 5 characters, each "
            "one-hot over the 12 characters of the vocabulary: keras.Input((5, 12))."
        )
    lstms = expect.layers_of(m, keras.layers.LSTM)
    if len(lstms) < 2:
        raise Incorrect(
            "The model needs two LSTMs: the encoder, which reads the question, and the "
            "decoder, which writes the answer."
        )
    for which, lstm in zip(("encoder", "decoder"), lstms, strict=False):
        if lstm.units != 64:
            raise Incorrect(
                f"The {which} LSTM has {lstm.units} units; the exercise asks for 64 units in "
                "each LSTM: layers.LSTM(64, ...)."
            )
    repeats = [layer for layer in m.layers if isinstance(layer, keras.layers.RepeatVector)]
    out = expect.output_shape(m)
    if not repeats:
        raise Incorrect(
            f"The model outputs {expect.fmt_shape(out)} without a RepeatVector: the decoder "
            "reads the encoder's steps, one per question character, so the answer has as many "
            "steps as the question. Let the encoder return one vector and repeat it with "
            "layers.RepeatVector(3), one copy per answer character."
        )
    if repeats[0].n != 3:
        raise Incorrect(
            f"RepeatVector({repeats[0].n}) makes the decoder write {repeats[0].n} characters; "
            "the answers are 3 characters long (two digits and a possible carry, or a space)."
        )
    if len(out) == 2:
        raise Incorrect(f"The model outputs {expect.fmt_shape(out)}: {_NO_SEQUENCES}")
    if out[2] != len(s2s.VOCABULARY):
        raise Incorrect(
            f"The model gives {out[2]} values per step. It must give one probability for each "
            "of the 12 characters of the vocabulary (the digits, '+' and the space): Dense(12)."
        )
    if out[1:] != (3, 12):
        raise Incorrect(f"The model outputs {expect.fmt_shape(out)}; expected (None, 3, 12).")
    expect.behaves(
        m,
        what="The model",
        probabilities="softmax",
        distinct_steps=True,
        per_step_head=True,
        fixes={
            "output": "Each step must give probabilities over the 12 characters that add up "
            "to 1: Dense(12, activation='softmax') (or an Activation('softmax') after it).",
            "repeat": "All three characters come out the same: the RepeatVector comes after "
            "the decoder. Put it between the encoder and the decoder, so that the decoder "
            "reads the copies one after another and can make each character different.",
            "head": "Apply one Dense(12, activation='softmax') at every step of the decoder's "
            "3D output, wrapped in TimeDistributed (or not), without Flatten or Reshape.",
        },
    )
    if not any(isinstance(layer, keras.layers.TimeDistributed) for layer in m.layers):
        return (
            "It works: Keras 3's Dense acts on the last axis at every step, as "
            "TimeDistributed(Dense(12)) would. Try the wrapper too; it says what happens."
        )
    return (
        "Input (None, 5, 12) → encoder (None, 64) → RepeatVector (None, 3, 64) → decoder "
        "(None, 3, 64) → TimeDistributed(Dense(12, softmax)) (None, 3, 12)."
    )


# ------------------------------------------------------------------ q3: the two accuracies


def _fraction(value: Any, name: str) -> float:
    arr = expect.array(value, name)
    if arr.size != 1:
        raise Incorrect(
            f"{name} has shape {arr.shape}; expected one number. Take the mean over all the "
            "samples (and, for the step accuracy, over all the steps)."
        )
    number = float(arr.reshape(()))
    if 1 < number <= 100:
        raise Incorrect(f"{name} = {number:g} looks like a percentage; give a fraction, 0 to 1.")
    if not 0 <= number <= 1:
        raise Incorrect(f"{name} = {number:g} is not an accuracy: a fraction from 0 to 1.")
    return number


@exercise(
    "ch09.q3",
    answers=("my_step_acc", "my_seq_acc", "model", "problems"),
    hints=(
        "Turn the probabilities and the one-hot targets into character indices with "
        "argmax(axis=-1), then compare them.",
        "Per step: the mean of (predicted == wanted). Per sequence: a sample counts only when "
        "all of its steps are right, .all(axis=1), then the mean.",
    ),
)
def q3(step_acc: Any, seq_acc: Any, model: Any, problems: Any) -> str:
    """Compute the trained model's per-step and sequence accuracy on the test problems."""
    step = _fraction(step_acc, "my_step_acc")
    seq = _fraction(seq_acc, "my_seq_acc")
    m = expect.model(model, "model")
    expect.behaves(m, what="The model", reads_input=False)
    if not isinstance(problems, s2s.AdditionData):
        raise Incorrect(
            "The fourth argument should be the problems of section 1 (problems); it is "
            f"{describe(problems)}."
        )
    predicted = np.asarray(m.predict(problems.x_test, verbose=0))
    if predicted.shape != problems.y_test.shape:
        raise Incorrect(
            f"model gives {predicted.shape} on the test questions; pass the chapter's "
            "trained model, which gives (samples, 3, 12)."
        )
    right = s2s.to_indices(predicted) == s2s.to_indices(problems.y_test)
    true_step, true_seq = float(right.mean()), float(right.all(axis=1).mean())
    close = lambda a, b: abs(a - b) < 1e-6  # noqa: E731
    if close(step, true_step) and close(seq, true_seq):
        return (
            f"Per step {true_step:.2%}, whole answers {true_seq:.2%}. A sequence counts only "
            "when all 3 of its characters are right, so it can never score higher."
        )
    if close(step, true_seq) and close(seq, true_step):
        raise Incorrect(
            "The two are swapped: the step accuracy counts every character, the sequence "
            "accuracy only whole answers, and so it is the smaller one."
        )
    if close(seq, float(right.any(axis=1).mean())):
        raise Incorrect(
            "my_seq_acc counts an answer when any of its characters is right (.any). A "
            "sequence is right only when all of them are: .all(axis=1)."
        )
    if close(seq, true_step**3) and not close(true_step**3, true_seq):
        raise Incorrect(
            "my_seq_acc is the step accuracy cubed. That assumes the three characters go "
            "wrong independently of one another; count whole answers instead."
        )
    if not close(step, true_step):
        raise Incorrect(
            f"my_step_acc is {step:.4f}; the model's test predictions give another value. "
            "Compare argmax(axis=-1) of the predictions for problems.x_test with that of "
            "problems.y_test, and take the mean over all samples and steps."
        )
    raise Incorrect(
        f"my_seq_acc is {seq:.4f}; whole answers right on the test problems give another "
        "value. Count a sample only when all its steps are right: .all(axis=1), then the mean."
    )
