"""Self-grading you can trust: checkers judge what a model does, and no call makes them crash.

Every exercise of every chapter is walked with the same malformed calls and garbage; the
wrong answers learners give (an output layer that cannot produce the targets, numbers other
than the exercise states, the right layers in the wrong order, NaN weights, a model that
ignores its input) are tried where a checker takes a model; right answers in several forms
must keep passing.
"""

from __future__ import annotations

import functools
import importlib
import pkgutil
import re

import keras
import numpy as np
import pytest
from keras import layers

from labsupport import exercises
from labsupport.data import echo_sequence
from labsupport.data import padded as padded_data
from labsupport.data import seq2seq as s2s
from labsupport.exercises import Exercise, Outcome
from tests.conftest import _run_solution

CHAPTERS = [  # ch01 … ch11, and ch02b between ch02 and ch03
    importlib.import_module(f"labsupport.exercises.{m.name}")
    for m in pkgutil.iter_modules(exercises.__path__)
    if re.fullmatch(r"ch\d\d[a-z]?", m.name)
]
EXERCISES = {
    v.name: v for module in CHAPTERS for v in vars(module).values() if isinstance(v, Exercise)
}
SEQ = echo_sequence(5)

# What each notebook passes to check(), in order (read from the notebooks' check cells).
CALLS = {
    "ch01.q1": ("x_121", "y_121"),
    "ch01.q2": ("model_121",),
    "ch01.q3": ("n_params",),
    "ch01.q4": ("predicted_shape", "predicted_params"),
    "ch01.q5": ("build_121",),
    "ch01.q6": ("model", "echo_mid", "echo_far", "far_echoed"),
    "ch02.q1": ("n_lstm",),
    "ch02.q2": ("per_step",),
    "ch02.q3": ("n_second",),
    "ch02.q4": ("fixed_step",),
    "ch02b.q1": ("n_gru",),
    "ch02b.q2": ("bi_shape", "bi_params"),
    "ch02b.q3": ("state_shape", "decoded_shape", "n_decoder"),
    "ch03.q1": ("x_m2o", "y_m2o"),
    "ch03.q2": ("n_dense",),
    "ch03.q3": ("model_m2o",),
    "ch03.q4": ("predicted_shape", "predicted_params"),
    "ch03.q5": ("build_m2o",),
    "ch03.q6": ("model", "pred_new", "largest_new_error"),
    "ch04.q1": ("y_m2m",),
    "ch04.q2": ("build_m2m",),
    "ch04.q3": ("n_td",),
    "ch04.q4": ("predicted_shape", "predicted_params"),
    "ch04.q5": ("build_shared",),
    "ch04.q6": ("model", "changed_steps"),
    "ch05.q1": ("n_dense", "out_shape"),
    "ch05.q2": ("td", "plain"),
    "ch05.q3": ("per_step_scores",),
    "ch06.q1": ("n_conv",),
    "ch06.q2": ("keypoints",),
    "ch06.q3": ("pooled_shape", "n_params"),
    "ch06.q4": ("small_digits",),
    "ch07.q1": ("make_clip_model",),
    "ch07.q2": ("td_adds",),
    "ch07.q3": ("lstm_count",),
    "ch07.q4": ("td_shape", "td_params"),
    "ch07.q5": ("frame_summary",),
    "ch08.q1": ("build_wrapped",),
    "ch08.q2": ("build_small",),
    "ch08.q3": ("conv_shape", "conv_params"),
    "ch09.q1": ("n_decoder", "n_td", "out_shape"),
    "ch09.q2": ("build_fixed",),
    "ch09.q3": ("my_step_acc", "my_seq_acc", "model", "problems"),
    "ch10.q1": ("padded_shape", "n_real"),
    "ch10.q2": ("build_tagger",),
    "ch10.q3": ("acc_all", "acc_real", "p_plain", "test"),
    "ch11.q1": ("td_shape",),
    "ch11.q2": ("n_convlstm",),
    "ch11.q3": ("build_direction_model",),
}

# The answers that are a model: (position, how it is handed in). "trained" is a model whose
# answers the learner computed from it (the check compares them with what it answers).
MODELS = {
    "ch01.q2": (0, "model"),
    "ch01.q5": (0, "builder"),
    "ch01.q6": (0, "trained"),
    "ch02.q2": (0, "model"),
    "ch03.q3": (0, "model"),
    "ch03.q5": (0, "builder"),
    "ch03.q6": (0, "trained"),
    "ch04.q2": (0, "builder"),
    "ch04.q5": (0, "builder"),
    "ch04.q6": (0, "trained"),
    "ch05.q2": (0, "model"),
    "ch05.q3": (0, "builder"),
    "ch06.q2": (0, "model"),
    "ch06.q4": (0, "builder"),
    "ch07.q1": (0, "builder"),
    "ch07.q5": (0, "builder"),
    "ch08.q1": (0, "builder"),
    "ch08.q2": (0, "builder"),
    "ch09.q2": (0, "builder"),
    "ch09.q3": (2, "trained"),
    "ch10.q2": (0, "builder"),
    "ch11.q3": (0, "builder"),
}


def sigmoid(v):
    return 1.0 / (1.0 + np.exp(-v))


def _echo_model(shape, *stack):
    keras.utils.set_random_seed(0)
    return keras.Sequential([keras.Input(shape), *stack])


def _context(name: str, poison=None) -> dict:
    """The names a notebook has defined when the learner reaches the exercise's solution.

    ``poison`` (a function of a model) is applied to the model the answers are computed
    from, before they are computed.
    """
    poison = poison or (lambda m: m)
    if name in ("ch01.q1", "ch03.q1", "ch04.q1"):
        return {"seq": SEQ}
    if name == "ch01.q6":
        return {"model": poison(_echo_model((1, 1), layers.LSTM(5), layers.Dense(1)))}
    if name == "ch02.q4":
        return {"sigmoid": sigmoid}
    if name == "ch03.q6":
        return {"model": poison(_echo_model((5, 1), layers.LSTM(5), layers.Dense(5)))}
    if name == "ch04.q6":
        m = _echo_model(
            (5, 1), layers.LSTM(5, return_sequences=True), layers.TimeDistributed(layers.Dense(1))
        )
        return {"model": poison(m), "x": SEQ.reshape(1, 5, 1)}
    if name == "ch05.q2":
        return {"plain": poison(keras.Sequential([keras.Input((5, 3)), layers.Dense(4)]))}
    if name == "ch09.q3":
        keras.utils.set_random_seed(0)
        model = _run_solution(EXERCISES["ch09.q2"])["build_fixed"]()
        return {"model": poison(model), "problems": s2s.addition(10, 20, seed=0)}
    if name == "ch10.q3":
        data = padded_data.tagging_split(40, length=12, seed=7)
        p = np.random.default_rng(0).uniform(size=data.y.shape).astype("float32")
        return {"p_plain": p, "test": data}
    return {}


def right_answers(name: str, poison=None) -> list:
    """The reference solution's answers, in the order the notebook passes them."""
    exercise = EXERCISES[name]
    ns = _run_solution(exercise, **_context(name, poison))
    return [ns[n] for n in CALLS[name]]


@functools.cache
def _cached_right_answers(name: str) -> tuple:
    return tuple(right_answers(name))


def test_every_chapter_module_is_walked():
    assert len(EXERCISES) == 49
    assert set(EXERCISES) == set(CALLS)


def test_each_exercise_names_its_answers_as_the_notebook_passes_them():
    for name, exercise in EXERCISES.items():
        assert tuple(exercise.answers) == CALLS[name], name


@pytest.mark.parametrize("name", sorted(EXERCISES))
def test_the_reference_answers_pass(name):
    fb = EXERCISES[name].check(*_cached_right_answers(name))
    assert fb.outcome is Outcome.CORRECT, fb


# ------------------------------------------------------------------ malformed calls


@pytest.mark.parametrize("name", sorted(EXERCISES))
def test_a_wrong_number_of_answers_says_what_check_takes(name):
    exercise = EXERCISES[name]
    args = list(_cached_right_answers(name))
    usage = f"check({', '.join(CALLS[name])})"
    for call in (args[:-1], [*args, args[-1]], [*args, 1, 2]):
        fb = exercise.check(*call)
        assert fb.outcome is not Outcome.CORRECT, (len(call), fb)
        assert fb.outcome is not Outcome.COULD_NOT_CHECK, (len(call), fb)
        assert usage in fb.message, (len(call), fb.message)
        assert "the cell that made your answer" not in fb.message


def test_answers_may_be_given_by_name():
    args = _cached_right_answers("ch01.q4")
    ex = EXERCISES["ch01.q4"]
    assert ex.check(predicted_shape=args[0], predicted_params=args[1]).correct
    assert ex.check(args[0], predicted_params=args[1]).correct
    fb = ex.check(args[0], shape=args[1])
    assert fb.outcome is Outcome.INCORRECT and "predicted_params" in fb.message, fb


def _garbage():
    """The shared garbage: (value, a phrase the message must hold, case-insensitive)."""
    return [
        (None, "none"),
        (float("nan"), "nan"),
        (float("inf"), "inf"),
        (-float("inf"), "inf"),
        (np.float64("nan"), "nan"),
        (complex(2, 1), "complex"),
        (np.complex128(146 + 0j), "complex"),
        (keras.Input((5, 1)), "keras tensor"),
        (keras.layers.LSTM, "class"),
        (int, "class"),
    ]


@pytest.mark.parametrize("name", sorted(EXERCISES))
def test_garbage_in_any_answer_gets_a_clear_message(name):
    exercise = EXERCISES[name]
    right = list(_cached_right_answers(name))
    for position in range(len(right)):
        for value, phrase in _garbage():
            args = list(right)
            args[position] = value
            fb = exercise.check(*args)
            where = (name, CALLS[name][position], value)
            assert fb.outcome is Outcome.INCORRECT, (where, fb)
            assert phrase in fb.message.lower(), (where, fb.message)
            assert "Traceback" not in fb.message


@pytest.mark.parametrize("name", sorted(EXERCISES))
def test_hint_takes_any_value_without_crashing(name):
    exercise = EXERCISES[name]
    count = len(exercise.hints)
    for bad in (
        float("inf"),
        -float("inf"),
        float("nan"),
        10**400,
        1e308 * 10,
        2 + 0j,
        keras.Input((3,)),
        "1",
        None,
        True,
        int,
    ):
        fb = exercise.hint(bad)
        assert fb.kind == "hint"
        if isinstance(bad, int) and not isinstance(bad, bool):
            assert fb.message.startswith(f"Hint {count} of {count}") or count == 1, fb
        else:
            assert f"1 to {count}" in fb.message, (bad, fb.message)
    assert exercise.hint(np.int64(1)).message == exercise.hint(1).message
    fb = exercise.hint(1, 2)
    assert fb.kind == "hint" and "one number" in fb.message
    assert exercise.solution().code == exercise.solution_code


def test_a_keras_tensor_where_a_shape_is_expected():
    fb = EXERCISES["ch01.q4"].check(keras.Input((1, 1)), 146)
    assert fb.outcome is Outcome.INCORRECT
    assert "Keras tensor" in fb.message and ".shape" in fb.message, fb.message


def test_complex_numbers_are_refused_not_read_as_their_real_part():
    fb = EXERCISES["ch01.q3"].check(np.complex128(140 + 0j))
    assert fb.outcome is Outcome.INCORRECT and "complex" in fb.message, fb
    fb = EXERCISES["ch01.q1"].check(SEQ.reshape(5, 1, 1) + 0j, SEQ.reshape(5, 1))
    assert fb.outcome is Outcome.INCORRECT and "complex" in fb.message, fb


# ------------------------------------------------------------------ models: NaN and zeroed input


def _nan_weights(m):
    """Put NaN into the first weight of ``m``: a right model, with broken weights."""
    variable = m.weights[0]
    value = keras.ops.convert_to_numpy(variable).copy()
    value.flat[0] = np.nan
    variable.assign(value)
    return m


def _zero_first(m, how):
    """The same layers with a layer first that erases the input."""
    eraser = layers.Rescaling(0.0) if how == "rescaling" else layers.Lambda(lambda x: x * 0)
    inputs = m.inputs[0]
    return keras.Sequential(
        [keras.Input(tuple(inputs.shape)[1:], dtype=inputs.dtype), eraser, *m.layers]
    )


def _altered(name, change):
    """The right answers with the model changed by ``change``."""
    position, kind = MODELS[name]
    if kind == "trained":
        return right_answers(name, poison=change)
    args = right_answers(name)
    answer = args[position]
    if kind == "builder":
        args[position] = lambda: change(answer())
    elif name == "ch05.q2":
        return right_answers(name, poison=change)  # plain's weights are copied into td
    else:
        args[position] = change(answer)
    return args


@pytest.mark.parametrize("name", sorted(MODELS))
def test_a_right_model_with_nan_weights_is_refused(name):
    fb = EXERCISES[name].check(*_altered(name, _nan_weights))
    assert fb.outcome is Outcome.INCORRECT, fb
    assert "nan" in fb.message.lower(), fb.message


ZEROABLE = sorted(n for n, (_, kind) in MODELS.items() if kind != "trained" and n != "ch05.q2")


@pytest.mark.parametrize("how", ["rescaling", "lambda"])
@pytest.mark.parametrize("name", ZEROABLE)
def test_a_model_that_erases_its_input_is_refused(name, how):
    fb = EXERCISES[name].check(*_altered(name, lambda m: _zero_first(m, how)))
    assert fb.outcome is Outcome.INCORRECT, fb
    assert "two different inputs" in fb.message, fb.message


def test_ch05_q2_td_that_erases_its_input_is_refused():
    plain = keras.Sequential([keras.Input((5, 3)), layers.Dense(4)])
    td = keras.Sequential(
        [keras.Input((5, 3)), layers.Rescaling(0.0), layers.TimeDistributed(layers.Dense(4))]
    )
    td.layers[-1].set_weights(plain.layers[0].get_weights())
    fb = EXERCISES["ch05.q2"].check(td, plain)
    assert fb.outcome is Outcome.INCORRECT and "two different inputs" in fb.message, fb


def test_ch05_q2_td_twice_is_refused():
    args = right_answers("ch05.q2")
    fb = EXERCISES["ch05.q2"].check(args[0], args[0])
    assert fb.outcome is Outcome.INCORRECT and "plain" in fb.message, fb


# ------------------------------------------------------------------ output layers and targets


def seq_model(shape, *stack):
    return keras.Sequential([keras.Input(shape), *stack])


def builds(shape, *make):
    return lambda: keras.Sequential([keras.Input(shape), *(f() for f in make)])


LSTM5 = lambda: layers.LSTM(5)  # noqa: E731
LSTM5S = lambda: layers.LSTM(5, return_sequences=True)  # noqa: E731

CANNOT_PRODUCE = [
    # a softmax over one unit is always 1.0
    ("ch01.q2", seq_model((1, 1), layers.LSTM(5), layers.Dense(1, activation="softmax")), "1.0"),
    ("ch01.q5", builds((1, 1), LSTM5, lambda: layers.Dense(1, activation="softmax")), "1.0"),
    (
        "ch01.q2",
        seq_model((1, 1), layers.LSTM(5), layers.Dense(1), layers.Activation("softmax")),
        "1.0",
    ),
    # a softmax over the five positions: its outputs add up to 1, the targets to 2.0
    ("ch03.q3", seq_model((5, 1), layers.LSTM(5), layers.Dense(5, activation="softmax")), "add up"),
    ("ch03.q5", builds((5, 1), LSTM5, lambda: layers.Dense(5, activation="softmax")), "add up"),
    # the many-to-many echo: a softmax per step over one value, or over the steps
    (
        "ch04.q2",
        builds((5, 1), LSTM5S, lambda: layers.TimeDistributed(layers.Dense(1, "softmax"))),
        "1.0",
    ),
    (
        "ch04.q2",
        builds(
            (5, 1),
            LSTM5S,
            lambda: layers.TimeDistributed(layers.Dense(1)),
            lambda: layers.Softmax(axis=1),
        ),
        "add up",
    ),
    (
        "ch04.q5",
        builds(
            (5, 1),
            LSTM5S,
            lambda: layers.TimeDistributed(layers.Dense(1)),
            lambda: layers.Softmax(axis=1),
        ),
        "add up",
    ),
    ("ch04.q5", builds((5, 1), LSTM5S, lambda: layers.Dense(1, activation="softmax")), "1.0"),
    # probabilities asked for: a ReLU is not one
    (
        "ch10.q2",
        lambda: keras.Sequential(
            [
                keras.Input((None,), dtype="int32"),
                layers.Embedding(10, 8, mask_zero=True),
                layers.LSTM(16, return_sequences=True),
                layers.TimeDistributed(layers.Dense(1, activation="relu")),
            ]
        ),
        "not probabilities",
    ),
]


@pytest.mark.parametrize(("name", "answer", "phrase"), CANNOT_PRODUCE)
def test_an_output_layer_that_cannot_produce_the_targets_is_refused(name, answer, phrase):
    fb = EXERCISES[name].check(answer)
    assert fb.outcome is Outcome.INCORRECT, fb
    assert phrase in fb.message, fb.message


# ------------------------------------------------------------------ the numbers the text states

WIDE = (4, 56, 14, 1)


def td(layer):
    return layers.TimeDistributed(layer)


def wrapped(filters=(32, 32), conv_act="relu", units=5, head=None, pool=2):
    def build():
        return keras.Sequential(
            [
                keras.Input(WIDE),
                td(layers.Conv2D(filters[0], 3, activation=conv_act)),
                td(layers.Conv2D(filters[1], 3, activation=conv_act)),
                td(layers.MaxPooling2D(pool)),
                td(layers.Flatten()),
                layers.LSTM(units),
                *(head() if head else [layers.Dense(10, activation="softmax")]),
            ]
        )

    return build


@pytest.mark.parametrize(
    ("build", "phrase"),
    [
        (wrapped(filters=(16, 32)), "32"),
        (wrapped(filters=(32, 64)), "32"),
        (wrapped(conv_act=None), "ReLU"),
        (wrapped(conv_act="tanh"), "ReLU"),
        (wrapped(units=8), "LSTM(5)"),
        (wrapped(head=lambda: [layers.Dense(10)]), "softmax"),
        (wrapped(head=lambda: [layers.Dense(10, activation="sigmoid")]), "softmax"),
        (wrapped(pool=3), "MaxPooling2D(2)"),
    ],
)
def test_ch08_q1_holds_the_numbers_of_the_exercise(build, phrase):
    fb = EXERCISES["ch08.q1"].check(build)
    assert fb.outcome is Outcome.INCORRECT, fb
    assert phrase in fb.message, fb.message


@pytest.mark.parametrize(
    "build",
    [
        # ReLU as a layer of its own, and the softmax too
        lambda: keras.Sequential(
            [
                keras.Input(WIDE),
                td(layers.Conv2D(32, 3)),
                td(layers.Activation("relu")),
                td(layers.Conv2D(32, 3)),
                td(layers.ReLU()),
                td(layers.MaxPooling2D(2)),
                td(layers.Flatten()),
                layers.LSTM(5),
                layers.Dense(10),
                layers.Activation("softmax"),
            ]
        ),
        wrapped(head=lambda: [layers.Dense(10), layers.Softmax()]),
    ],
)
def test_ch08_q1_right_answers_in_other_forms(build):
    fb = EXERCISES["ch08.q1"].check(build)
    assert fb.outcome is Outcome.CORRECT, fb


def test_ch08_q1_functional_form():
    def build():
        inputs = keras.Input(WIDE)
        h = td(layers.Conv2D(32, 3, activation="relu"))(inputs)
        h = td(layers.Conv2D(32, 3, activation="relu"))(h)
        h = td(layers.MaxPooling2D(2))(h)
        h = td(layers.Flatten())(h)
        h = layers.LSTM(5)(h)
        return keras.Model(inputs, layers.Dense(10, activation="softmax")(h))

    fb = EXERCISES["ch08.q1"].check(build)
    assert fb.outcome is Outcome.CORRECT, fb


ENC = lambda: layers.LSTM(64)  # noqa: E731
REP = lambda: layers.RepeatVector(3)  # noqa: E731
DEC = lambda: layers.LSTM(64, return_sequences=True)  # noqa: E731
OUT = lambda: layers.TimeDistributed(layers.Dense(12, activation="softmax"))  # noqa: E731


@pytest.mark.parametrize(
    ("build", "phrase"),
    [
        (builds((5, 12), lambda: layers.LSTM(32), REP, DEC, OUT), "64"),
        (builds((5, 12), ENC, REP, lambda: layers.LSTM(32, return_sequences=True), OUT), "64"),
        # RepeatVector after the decoder: all three characters come out the same
        (
            builds(
                (5, 12),
                lambda: layers.LSTM(64, return_sequences=True),
                lambda: layers.LSTM(64),
                REP,
                OUT,
            ),
            "same",
        ),
        # Flatten -> Dense -> Reshape: every character reads every step of the decoder
        (
            builds(
                (5, 12),
                ENC,
                REP,
                DEC,
                lambda: layers.Flatten(),
                lambda: layers.Dense(36),
                lambda: layers.Reshape((3, 12)),
                lambda: layers.Softmax(),
            ),
            "own step",
        ),
    ],
)
def test_ch09_q2_wrong_order_and_numbers(build, phrase):
    fb = EXERCISES["ch09.q2"].check(build)
    assert fb.outcome is Outcome.INCORRECT, fb
    assert phrase in fb.message, fb.message


@pytest.mark.parametrize(
    "build",
    [
        builds(
            (5, 12),
            ENC,
            REP,
            DEC,
            lambda: td(layers.Dense(12)),
            lambda: layers.Activation("softmax"),
        ),
        builds((5, 12), ENC, REP, DEC, lambda: td(layers.Dense(12)), lambda: layers.Softmax()),
        builds((5, 12), ENC, REP, DEC, lambda: layers.Dense(12, activation="softmax")),
    ],
)
def test_ch09_q2_right_answers_in_other_forms(build):
    fb = EXERCISES["ch09.q2"].check(build)
    assert fb.outcome is Outcome.CORRECT, fb


def test_ch09_q2_functional_form():
    def build_fixed():
        inputs = keras.Input((5, 12))
        h = layers.RepeatVector(3)(layers.LSTM(64)(inputs))
        h = layers.LSTM(64, return_sequences=True)(h)
        return keras.Model(inputs, td(layers.Dense(12, activation="softmax"))(h))

    fb = EXERCISES["ch09.q2"].check(build_fixed)
    assert fb.outcome is Outcome.CORRECT, fb


# ------------------------------------------------------------------ frames in order (ch11.q3)


def _clip(*stack):
    return lambda: keras.Sequential([keras.Input((6, 28, 28, 1)), *stack])


@pytest.mark.parametrize(
    "build",
    [
        # the frames averaged into one before the LSTM
        _clip(
            td(layers.Conv2D(8, 3, activation="relu")),
            td(layers.MaxPooling2D(2)),
            td(layers.Flatten()),
            layers.AveragePooling1D(6),
            layers.LSTM(16),
            layers.Dense(4, activation="softmax"),
        ),
        # pairs of frames pooled together: the LSTM reads 3 steps
        _clip(
            layers.MaxPooling3D((2, 2, 2)),
            td(layers.Conv2D(8, 3, activation="relu")),
            td(layers.Flatten()),
            layers.LSTM(16),
            layers.Dense(4, activation="softmax"),
        ),
    ],
)
def test_ch11_q3_pooling_the_frames_before_the_lstm_is_refused(build):
    fb = EXERCISES["ch11.q3"].check(build)
    assert fb.outcome is Outcome.INCORRECT, fb
    assert "frame" in fb.message, fb.message


def test_ch11_q3_softmax_as_a_layer_of_its_own_passes():
    build = _clip(
        td(layers.Conv2D(8, 3, activation="relu")),
        td(layers.MaxPooling2D(2)),
        td(layers.Flatten()),
        layers.LSTM(16),
        layers.Dense(4),
        layers.Softmax(),
    )
    fb = EXERCISES["ch11.q3"].check(build)
    assert fb.outcome is Outcome.CORRECT, fb


# ------------------------------------------------------------------ consistent shape checks


def test_ch11_q1_wants_the_batch_axis_like_every_other_shape_check():
    fb = EXERCISES["ch11.q1"].check((6, 400))
    assert fb.outcome is Outcome.INCORRECT and "batch axis" in fb.message, fb


def test_ch08_q3_takes_numpy_integers_like_the_other_shape_checks():
    shape = tuple(np.int64(d) for d in (4, 12, 12, 8))
    fb = EXERCISES["ch08.q3"].check((None, *shape), np.int64(80))
    assert fb.outcome is Outcome.CORRECT, fb


def test_ch04_q5_accepts_any_number_of_steps_like_q2():
    build = builds((None, 1), LSTM5S, lambda: td(layers.Dense(1)))
    assert EXERCISES["ch04.q2"].check(build).outcome is Outcome.CORRECT
    fb = EXERCISES["ch04.q5"].check(build)
    assert fb.outcome is Outcome.CORRECT, fb


# ------------------------------------------------------------------ right answers in other forms


def _functional(shape, *stack):
    def build():
        inputs = keras.Input(shape)
        h = inputs
        for layer in stack:
            h = layer()(h)
        return keras.Model(inputs, h)

    return build


@pytest.mark.parametrize(
    ("name", "answer"),
    [
        ("ch01.q2", _functional((1, 1), LSTM5, lambda: layers.Dense(1))()),
        ("ch01.q5", _functional((1, 1), LSTM5, lambda: layers.Dense(1))),
        ("ch01.q2", seq_model((1, 1), layers.LSTM(5), layers.Dense(1, activation="linear"))),
        ("ch03.q3", _functional((5, 1), LSTM5, lambda: layers.Dense(5))()),
        ("ch03.q5", builds((None, 1), LSTM5, lambda: layers.Dense(5))),
        ("ch04.q2", _functional((5, 1), LSTM5S, lambda: td(layers.Dense(1)))),
        ("ch04.q2", builds((5, 1), LSTM5S, lambda: layers.Dense(1))),
        ("ch04.q5", builds((5, 1), LSTM5S, lambda: layers.Dense(1))),
        (
            "ch02.q2",
            _functional(
                (5, 3), lambda: layers.LSTM(8, return_sequences=True), lambda: td(layers.Dense(1))
            )(),
        ),
        (
            "ch10.q2",
            lambda: keras.Sequential(
                [
                    keras.Input((None,), dtype="int32"),
                    layers.Embedding(10, 8, mask_zero=True),
                    layers.LSTM(16, return_sequences=True),
                    layers.Dense(1),
                    layers.Activation("sigmoid"),
                ]
            ),
        ),
    ],
)
def test_right_answers_in_other_forms_pass(name, answer):
    fb = EXERCISES[name].check(answer)
    assert fb.outcome is Outcome.CORRECT, fb


def test_the_probe_helper_runs_on_the_largest_model_of_the_book():
    """The probes judge chapter 8's wrapped CNN+LSTM, the largest model a checker sees, twice in
    a row. How long that takes depends on the machine's load, so no test times it."""
    from labsupport.exercises import expect

    build = _run_solution(EXERCISES["ch08.q1"])["build_wrapped"]
    m = build()
    for _ in range(2):
        expect.behaves(m, probabilities="softmax", frames_apart=True)
