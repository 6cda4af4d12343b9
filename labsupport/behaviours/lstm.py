"""What an LSTM's shapes, weights and state do, as chapters 1 to 3 show."""

from __future__ import annotations

from labsupport.behaviours import behaviour, to_numpy


def _seeded_lstm(units: int, **kwargs):
    """An LSTM with fixed initial weights, so a check sees the same numbers on every run."""
    import keras

    return keras.layers.LSTM(
        units,
        kernel_initializer=keras.initializers.GlorotUniform(seed=1),
        recurrent_initializer=keras.initializers.Orthogonal(seed=2),
        **kwargs,
    )


@behaviour(
    "lstm.one_step_ignores_recurrent_weights",
    claim=(
        "With one time step per sample an LSTM's recurrent weights never touch the output: the "
        "state they read starts at zero, so setting them to zero changes no prediction."
    ),
    chapter="01_one_to_one_echo",
)
def _one_step_ignores_recurrent_weights() -> str:
    import keras
    import numpy as np

    model = keras.Sequential([keras.Input((1, 1)), _seeded_lstm(5), keras.layers.Dense(1)])
    x = np.linspace(0.0, 0.8, 5, dtype="float32").reshape(5, 1, 1)
    before = to_numpy(model(x))
    kernel, recurrent, bias = model.layers[0].get_weights()
    model.layers[0].set_weights([kernel, np.zeros_like(recurrent), bias])
    change = float(np.abs(to_numpy(model(x)) - before).max())
    assert change == 0.0, change
    return f"{recurrent.size} recurrent weights set to zero; largest change in output {change}"


@behaviour(
    "lstm.output_width_is_units",
    claim=(
        "An LSTM returns `units` numbers per sample, whatever the number of steps or features "
        "it reads."
    ),
    chapter="02_lstm_shapes_and_parameters",
)
def _output_width_is_units() -> str:
    import keras

    seen = []
    for steps, features in ((10, 64), (3, 1), (50, 7)):
        model = keras.Sequential([keras.Input((steps, features)), keras.layers.LSTM(32)])
        shape = tuple(model.outputs[0].shape)
        assert shape == (None, 32), (steps, features, shape)
        seen.append(f"({steps}, {features}) -> {shape}")
    return "LSTM(32): " + "; ".join(seen)


@behaviour(
    "lstm.last_step_is_default_output",
    claim=(
        "`return_sequences=True` returns the hidden state after every step; its last step is "
        "exactly what the same LSTM returns by default."
    ),
    chapter="02_lstm_shapes_and_parameters",
)
def _last_step_is_default_output() -> str:
    import keras
    import numpy as np

    every = keras.Sequential([keras.Input((6, 4)), _seeded_lstm(3, return_sequences=True)])
    last = keras.Sequential([keras.Input((6, 4)), _seeded_lstm(3)])
    last.set_weights(every.get_weights())
    x = np.random.default_rng(0).normal(size=(2, 6, 4)).astype("float32")
    seq, out = to_numpy(every(x)), to_numpy(last(x))
    assert seq.shape == (2, 6, 3) and out.shape == (2, 3), (seq.shape, out.shape)
    np.testing.assert_allclose(seq[:, -1], out, rtol=1e-5, atol=1e-6)
    return f"sequence output {seq.shape}, default output {out.shape}; last step equal"


@behaviour(
    "lstm.steps_do_not_change_params",
    claim=(
        "The number of time steps never enters an LSTM's parameter count: LSTM(10) on 5 "
        "features has 640 for 13 steps, for 100 and for any length (`None`)."
    ),
    chapter="02_lstm_shapes_and_parameters",
)
def _steps_do_not_change_params() -> str:
    import keras

    counts = {
        steps: keras.Sequential([keras.Input((steps, 5)), keras.layers.LSTM(10)]).count_params()
        for steps in (13, 100, None)
    }
    assert set(counts.values()) == {640}, counts
    return ", ".join(f"{s} steps: {c}" for s, c in counts.items())


def _pulse_change(model, steps: int):
    """How much each step's output moves when only step 0 of an all-zero input changes."""
    import numpy as np

    silence = np.zeros((1, steps, 4), dtype="float32")
    pulse = silence.copy()
    pulse[0, 0] = 1.0
    out = to_numpy(model(np.concatenate([silence, pulse])))
    return np.abs(out[0] - out[1]).max(axis=-1)


def _stacked(steps: int):
    import keras

    return keras.Sequential(
        [
            keras.Input((steps, 4)),
            _seeded_lstm(3, return_sequences=True),
            _seeded_lstm(3, return_sequences=True),
        ]
    )


@behaviour(
    "lstm.units_are_not_a_window",
    claim=(
        "`units` is not a look-back window: two stacked LSTM(3) layers still respond at steps "
        "4 and 10 to an input that differs only at step 0."
    ),
    chapter="02_lstm_shapes_and_parameters",
)
def _units_are_not_a_window() -> str:
    change = _pulse_change(_stacked(20), 20)
    assert change[4] > 1e-4 and change[10] > 1e-5, change
    return f"untrained: change at step 4 {change[4]:.0e}, at step 10 {change[10]:.0e}"


@behaviour(
    "lstm.forget_bias_keeps_state",
    claim=(
        "The forget gate is the second block of an LSTM's weights; with its biases set high "
        "the state keeps a step-0 pulse to the last step of a long sequence."
    ),
    chapter="02_lstm_shapes_and_parameters",
)
def _forget_bias_keeps_state() -> str:
    steps = 300
    model = _stacked(steps)
    plain = _pulse_change(model, steps)[-1]
    for layer in model.layers:
        kernel, recurrent, bias = layer.get_weights()
        bias[layer.units : 2 * layer.units] = 8.0
        layer.set_weights([kernel, recurrent, bias])
    kept = _pulse_change(model, steps)[-1]
    assert kept > 0.05 and kept > 100 * plain, (plain, kept)
    return f"change at step {steps - 1}: {plain:.0e} as initialized, {kept:.2f} with forget bias 8"


@behaviour(
    "lstm.any_length_same_width",
    claim=(
        "Built on `keras.Input((None, features))`, one LSTM reads sequences of any length and "
        "always returns one vector of `units` numbers."
    ),
    chapter="03_many_to_one_echo",
)
def _any_length_same_width() -> str:
    import keras
    import numpy as np

    model = keras.Sequential([keras.Input((None, 1)), keras.layers.LSTM(5)])
    shapes = [tuple(to_numpy(model(np.zeros((1, n, 1), "float32"))).shape) for n in (3, 5, 8)]
    assert shapes == [(1, 5)] * 3, shapes
    assert model.count_params() == 140
    return f"3, 5 and 8 steps -> {shapes[0]} each; 140 parameters"
