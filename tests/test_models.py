"""Chapter 8's model builders and the TimeBudget callback."""

import time

import keras
import numpy as np
import pytest

from labsupport import models, training


def test_quadrant_cnn_lstm_shapes_and_params():
    m = models.quadrant_cnn_lstm(filters=(16, 32), lstm_units=64)
    assert tuple(m.inputs[0].shape) == (None, 4, 14, 14, 1)
    assert tuple(m.outputs[0].shape) == (None, 10)
    # CNN 4,944 (convs without bias, batch norm 4 per channel) + LSTM(64) on 288 + Dense(10)
    assert m.count_params() == 95_962
    assert m.get_layer("lstm").count_params() == 4 * (64 * (288 + 64) + 64)


def _fold_and_wrapper():
    keras.utils.set_random_seed(0)
    folded = models.quadrant_cnn_lstm(filters=(8, 8), lstm_units=8)
    wrapped = models.quadrant_cnn_lstm(filters=(8, 8), lstm_units=8, fold=False)
    assert folded.count_params() == wrapped.count_params()
    wrapped.set_weights(folded.get_weights())
    x = np.random.default_rng(0).random((3, 4, 14, 14, 1), dtype=np.float32)
    return folded, wrapped, x


def test_fold_and_timedistributed_agree_at_inference():
    folded, wrapped, x = _fold_and_wrapper()
    np.testing.assert_allclose(
        folded.predict(x, verbose=0), wrapped.predict(x, verbose=0), atol=1e-5
    )


def test_predicted_labels_and_accuracy_match_predict():
    folded, _, x = _fold_and_wrapper()
    x = np.concatenate([x] * 3)  # 9 samples: batches of 4, 4 and 1
    expected = folded.predict(x, verbose=0).argmax(axis=1)
    labels = training.predicted_labels(folded, x, batch_size=4)
    np.testing.assert_array_equal(labels, expected)
    y = expected.copy()
    y[:3] = (y[:3] + 1) % 10  # three wrong labels
    assert training.accuracy(folded, x, y, batch_size=4) == pytest.approx(6 / 9)


def test_naive_model_mirrors_the_question():
    m = models.naive_td_cnn_lstm()
    assert tuple(m.inputs[0].shape) == (None, 4, 56, 14, 1)
    assert tuple(m.get_layer("td_pool").output.shape) == (None, 4, 26, 5, 32)
    assert m.layers[5].count_params() == 4 * (5 * (4160 + 5) + 5)  # LSTM(5) on 4,160 features
    assert m.count_params() == 93_698


def test_baselines():
    whole = models.whole_image_cnn()
    assert tuple(whole.outputs[0].shape) == (None, 10) and whole.count_params() == 20_634
    conv = models.convlstm_quadrants()
    assert tuple(conv.inputs[0].shape) == (None, 4, 14, 14, 1)
    assert tuple(conv.outputs[0].shape) == (None, 10) and conv.count_params() == 17_706


def test_one_cycle_rises_then_falls():
    schedule = training.one_cycle(100, peak=1e-2)
    lrs = [float(schedule(step)) for step in (0, 15, 60, 99)]
    assert lrs[0] < lrs[1] == pytest.approx(1e-2, rel=0.05) and lrs[1] > lrs[2] > lrs[3]


class _Slow(keras.callbacks.Callback):
    def on_train_batch_end(self, batch, logs=None):
        time.sleep(0.05)


def _tiny():
    m = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
    m.compile("sgd", "mse")
    return m


def test_time_budget_stops_training():
    x, y = np.zeros((64, 3), "float32"), np.zeros((64, 1), "float32")
    budget = training.TimeBudget(0.3)
    _tiny().fit(x, y, batch_size=4, epochs=50, verbose=0, callbacks=[_Slow(), budget])
    assert budget.stopped_early
    assert budget.wall_seconds >= 0.3  # how far past it depends on the machine's load: no bound
    assert budget.batches_run < 50 * 16
    assert 0 < budget.epochs_run < 1  # a fraction of the first epoch
    assert budget.epochs_run == budget.batches_run / 16


def test_time_budget_lets_short_training_finish():
    x, y = np.zeros((8, 3), "float32"), np.zeros((8, 1), "float32")
    budget = training.TimeBudget(60, clock="machine")
    _tiny().fit(x, y, batch_size=4, epochs=2, verbose=0, callbacks=[budget])
    assert not budget.stopped_early and budget.epochs_run == 2 and budget.batches_run == 4
    assert 0 <= budget.machine_seconds <= budget.wall_seconds * budget.cores + 0.5


@pytest.mark.parametrize("bad", [0, -1, "60", None, True])
def test_time_budget_rejects_bad_budgets(bad):
    with pytest.raises(ValueError):
        training.TimeBudget(bad)
    with pytest.raises(ValueError):
        training.TimeBudget(1, clock="cpu")


def test_fit_within_records_time():
    x = np.random.default_rng(0).random((32, 4, 14, 14, 1), dtype=np.float32)
    y = np.arange(32) % 10
    m = models.quadrant_cnn_lstm(filters=(4, 4), lstm_units=4)
    run = training.fit_within(m, x, y, seconds=30, epochs=1, batch_size=16)
    assert run.epochs_run == 1 and run.batches_run == 2 and run.wall_seconds > 0


def test_fit_within_runs_extra_callbacks_and_takes_no_limit():
    x = np.random.default_rng(0).random((32, 4, 14, 14, 1), dtype=np.float32)
    y = np.arange(32) % 10
    m = models.quadrant_cnn_lstm(filters=(4, 4), lstm_units=4)
    epochs_seen = []
    record = keras.callbacks.LambdaCallback(
        on_epoch_end=lambda epoch, logs: epochs_seen.append(epoch)
    )
    run = training.fit_within(
        m, x, y, seconds=float("inf"), epochs=2, batch_size=16, callbacks=[record]
    )
    assert epochs_seen == [0, 1]
    assert isinstance(run, training.TimeBudget) and not run.stopped_early and run.epochs_run == 2


def test_importing_models_loads_no_keras():
    """The builders import Keras when called, so ``import labsupport.models`` stays cheap."""
    import subprocess
    import sys

    code = (
        "import sys, labsupport.models as m; "
        "assert callable(m.quadrant_cnn_lstm); "
        "print(sorted(n for n in ('keras', 'tensorflow') if n in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]", done.stdout + done.stderr


RETRACING = "5 out of the last 5 calls to <function f at 0x7f> triggered tf.function retracing."


class _Stop(Exception):
    pass


def _tensorflow_log_during(run):
    """What the "tensorflow" logger passes on while ``run()`` logs a retracing and a warning."""
    import logging

    logger = logging.getLogger("tensorflow")
    level, filters = logger.level, list(logger.filters)
    passed = []
    handler = logging.Handler(logging.DEBUG)
    handler.emit = lambda record: passed.append(record.getMessage())
    logger.addHandler(handler)
    try:
        with pytest.raises(_Stop):
            run()
    finally:
        logger.removeHandler(handler)
    assert (logger.level, logger.filters) == (level, filters), "the logger was left changed"
    return passed


def _talk(*args, **kwargs):
    import logging

    logging.getLogger("tensorflow").warning(RETRACING)
    logging.getLogger("tensorflow").warning("a warning that matters")
    raise _Stop


def test_without_retracing_warnings_drops_that_warning_only():
    def run():
        with training.without_retracing_warnings():
            _talk()

    assert _tensorflow_log_during(run) == ["a warning that matters"]
    assert RETRACING in _tensorflow_log_during(_talk)  # outside, it is passed on


@pytest.mark.parametrize("measure", ["td_cost.trace_calls", "td_cost.measure", "three_ways"])
def test_the_measurements_use_the_one_silencer(monkeypatch, measure):
    """td_cost and sequence_cnn build many models on purpose: they leave out the retracing
    warning with training.without_retracing_warnings, and let every other warning through."""
    from labsupport import sequence_cnn, td_cost

    runs = {
        "td_cost.trace_calls": (td_cost, "build", lambda: td_cost.trace_calls("dense", 2)),
        "td_cost.measure": (td_cost, "_warm_up", lambda: td_cost.measure((2,))),
        "three_ways": (sequence_cnn, "_time_three_ways", sequence_cnn.time_three_ways),
    }
    module, inner, run = runs[measure]
    monkeypatch.setattr(module, inner, _talk)
    assert _tensorflow_log_during(run) == ["a warning that matters"]
