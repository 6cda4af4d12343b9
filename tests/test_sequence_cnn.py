"""labsupport.sequence_cnn: three ways to run one CNN over a sequence share every weight."""

import keras
import numpy as np
import pytest
from keras import layers

from labsupport import sequence_cnn as sc

STEPS, IMAGE = 3, (12, 12, 1)


def _clips(batch=2):
    return np.random.default_rng(0).normal(size=(batch, STEPS, *IMAGE)).astype("float32")


def test_frame_cnn_matches_the_sources_sizes():
    cnn = sc.frame_cnn()
    assert tuple(cnn.outputs[0].shape) == (None, 126 * 126 * 16)
    assert cnn.count_params() == 416


def test_lean_frame_cnn_gives_32_features_whatever_the_size():
    for shape in ((64, 64, 1), (96, 80, 1)):
        assert tuple(sc.lean_frame_cnn(shape).outputs[0].shape) == (None, 32)


def test_three_ways_share_the_weights_and_give_the_same_outputs():
    keras.utils.set_random_seed(0)
    cnn = sc.frame_cnn(IMAGE, filters=4, kernel_size=3, strides=1)
    head = layers.LSTM(5)
    models = sc.three_ways(cnn, head, STEPS)
    assert list(models) == list(sc.WAYS)
    counts = {way: m.count_params() for way, m in models.items()}
    assert len(set(counts.values())) == 1, counts
    assert counts[sc.WAYS[0]] == cnn.count_params() + head.count_params()
    clips = _clips()
    outputs = [
        keras.ops.convert_to_numpy(m(sc.model_inputs(m, clips), training=False))
        for m in models.values()
    ]
    assert outputs[0].shape == (2, 5)
    for other in outputs[1:]:
        np.testing.assert_allclose(outputs[0], other, rtol=1e-5, atol=1e-5)


def test_model_inputs_splits_clips_only_for_models_with_an_input_per_step():
    cnn = sc.frame_cnn(IMAGE, filters=2, kernel_size=3)
    head = layers.LSTM(2)
    clips = _clips()
    per_step = sc.model_inputs(sc.shared_calls(cnn, head, STEPS), clips)
    assert isinstance(per_step, list) and len(per_step) == STEPS
    np.testing.assert_array_equal(per_step[1], clips[:, 1])
    assert sc.model_inputs(sc.folded(cnn, head, STEPS), clips) is clips


def test_separate_cnns_have_steps_times_the_conv_weights():
    def make(name):
        return sc.frame_cnn(IMAGE, filters=4, kernel_size=3, strides=1, name=name)

    head = layers.LSTM(5)
    separate = sc.separate_cnns(make, head, STEPS)
    assert len(separate.inputs) == STEPS
    assert separate.count_params() == STEPS * make("x").count_params() + head.count_params()


def test_time_three_ways_returns_a_row_per_way_relative_to_time_distributed():
    rows = sc.time_three_ways(batch=2, steps=2, image_shape=(16, 16, 1), units=4, repeats=1)
    assert [r["way"] for r in rows] == list(sc.WAYS)
    assert len({r["params"] for r in rows}) == 1
    td = rows[1]
    assert td["forward_vs_td"] == td["train_vs_td"] == 1.0
    for r in rows:
        assert r["forward_ms"] > 0 and r["train_ms"] > 0
        assert r["forward_vs_td"] == pytest.approx(r["forward_ms"] / td["forward_ms"])
    table = sc.format_timings(rows).splitlines()
    assert len(table) == 4 and table[0].split()[:2] == ["way", "params"]
    assert all(line.startswith(way) for line, way in zip(table[1:], sc.WAYS, strict=True))
    assert all(len(r["forward_rounds_ms"]) == 1 for r in rows)
    assert "one round, so no telling" in sc.compare(rows, "forward")


@pytest.mark.parametrize(
    ("slow_rounds", "words"),
    [
        ([7.0, 9.0, 10.0], "1.25× apart (medians); no clear difference, 0.88× to 1.67× round by"),
        ([11.0, 10.0, 10.0], "1.25× apart (medians); slower in all 3 rounds, 1.25× to 1.67×"),
    ],
)
def test_compare_judges_the_gap_round_by_round(slow_rounds, words):
    fast_rounds = [8.0, 8.0, 6.0]  # median 8
    rows = [
        {"way": sc.WAYS[0], "train_ms": 10.0, "train_rounds_ms": slow_rounds},
        {"way": sc.WAYS[1], "train_ms": 9.0, "train_rounds_ms": [9.0, 9.0, 9.0]},
        {"way": sc.WAYS[2], "train_ms": 8.0, "train_rounds_ms": fast_rounds},
    ]
    line = sc.compare(rows, "train")
    assert line.startswith(f"fastest {sc.WAYS[2]}, slowest {sc.WAYS[0]}, 1.25× apart")
    assert words in line, line
