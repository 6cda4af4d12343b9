"""The rise-tagging data of the padding-and-masks chapter."""

import numpy as np
import pytest

from labsupport.data import padded as pd


def test_rise_tags_by_hand():
    np.testing.assert_array_equal(pd.rise_tags([3, 1, 4, 1, 5, 9, 2]), [0, 0, 1, 0, 1, 1, 0])
    np.testing.assert_array_equal(pd.rise_tags([7]), [0])
    np.testing.assert_array_equal(pd.rise_tags([2, 2, 2]), [0, 0, 0])  # equal is not a rise


def test_rise_tags_rejects_a_batch():
    with pytest.raises(ValueError, match="one sequence"):
        pd.rise_tags(np.ones((2, 3)))


def test_random_sequences_lengths_tokens_and_seed():
    seqs = pd.random_sequences(200, min_length=3, max_length=12, seed=1)
    lengths = [len(s) for s in seqs]
    assert min(lengths) >= 3 and max(lengths) <= 12 and len(set(lengths)) > 5
    tokens = np.concatenate(seqs)
    assert tokens.min() >= 1 and tokens.max() <= 9  # 0 stays free for padding
    again = pd.random_sequences(200, min_length=3, max_length=12, seed=1)
    assert all(np.array_equal(a, b) for a, b in zip(seqs, again, strict=True))
    other = pd.random_sequences(200, min_length=3, max_length=12, seed=2)
    assert not all(np.array_equal(a, b) for a, b in zip(seqs, other, strict=True))


@pytest.mark.parametrize(
    "kwargs",
    [dict(min_length=0), dict(min_length=5, max_length=4), dict(vocabulary=2)],
)
def test_random_sequences_rejects_bad_settings(kwargs):
    with pytest.raises(ValueError):
        pd.random_sequences(3, **kwargs)


def test_pad_post_and_pre_and_refuses_to_cut():
    seqs = [[3, 1, 4], [1, 5]]
    np.testing.assert_array_equal(pd.pad(seqs, length=4), [[3, 1, 4, 0], [1, 5, 0, 0]])
    np.testing.assert_array_equal(
        pd.pad(seqs, length=4, padding="pre"), [[0, 3, 1, 4], [0, 0, 1, 5]]
    )
    with pytest.raises(ValueError, match="more than length"):
        pd.pad(seqs, length=2)


@pytest.mark.parametrize("padding", ["post", "pre"])
def test_tagging_split_shapes_and_consistency(padding):
    data = pd.tagging_split(50, length=20, padding=padding, seed=3)
    assert data.x.shape == (50, 20) and data.y.shape == (50, 20, 1)
    assert data.real.shape == (50, 20) and data.real.dtype == bool
    assert data.y.dtype == np.float32 and data.real_weights.dtype == np.float32
    assert not data.y[~data.real].any(), "padded steps carry tag 0"
    for tokens, tags, real in zip(data.x, data.y[..., 0], data.real, strict=True):
        np.testing.assert_array_equal(tags[real], pd.rise_tags(tokens[real]))
        # the real steps sit together at the end (pre) or the start (post)
        kept = np.flatnonzero(real)
        assert kept[-1] - kept[0] + 1 == len(kept)
        assert (kept[0] == 0) if padding == "post" else (kept[-1] == 19)
    np.testing.assert_array_equal(data.lengths, data.real.sum(axis=1))


def test_pre_and_post_hold_the_same_sequences():
    post = pd.tagging_split(30, length=15, padding="post", seed=4)
    pre = pd.tagging_split(30, length=15, padding="pre", seed=4)
    np.testing.assert_array_equal(post.x[post.real], pre.x[pre.real])
    with pytest.raises(ValueError, match="padding"):
        pd.tagging_split(3, padding="middle")


def test_real_step_accuracy_ignores_padding():
    data = pd.tagging_split(20, length=10, seed=5)
    perfect = data.y.copy()
    perfect[~data.real] = 1.0  # wrong on every padded step only
    assert pd.real_step_accuracy(data, perfect) == 1.0
    flipped = 1.0 - data.y
    assert pd.real_step_accuracy(data, flipped) == 0.0
    half = np.where(data.real[..., None], 0.0, 1.0)  # always "no rise" on real steps
    share = float((data.y[..., 0][data.real] == 0).mean())
    assert pd.real_step_accuracy(data, half) == pytest.approx(share)
