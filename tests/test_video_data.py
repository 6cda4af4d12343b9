"""The moving-digit clips of chapter 11 and their pictures."""

import matplotlib
import numpy as np
import pytest

from labsupport.data import video as video_data
from labsupport.plotting import video

matplotlib.use("Agg")


def _digits(n=10):
    rng = np.random.default_rng(0)
    return rng.integers(0, 256, size=(n, 28, 28), dtype=np.uint8)


def test_clips_shape_balance_and_range():
    clips = video_data.moving_digits(_digits(), 40, frames=6, canvas=28, speed=2, seed=3)
    assert clips.x.shape == (40, 6, 28, 28, 1) and clips.x.dtype == np.float32
    assert np.bincount(clips.y).tolist() == [10, 10, 10, 10]
    assert 0.0 <= clips.x.min() and clips.x.max() <= 1.0
    assert clips.names[:3] == [video_data.DIRECTIONS[i] for i in clips.y[:3]]


@pytest.mark.parametrize("direction", range(4))
def test_each_clip_moves_its_label_direction(direction):
    clips = video_data.moving_digits(np.full((3, 28, 28), 255, np.uint8), 8, seed=direction)
    for clip, label in zip(clips.x, clips.y, strict=True):
        rows, cols = [], []
        for frame in clip[..., 0]:
            r, c = np.nonzero(frame)
            rows.append(r.min())
            cols.append(c.min())
        dr, dc = np.diff(rows), np.diff(cols)
        expected = {"left": (0, -2), "right": (0, 2), "up": (-2, 0), "down": (2, 0)}
        want = expected[video_data.DIRECTIONS[label]]
        assert set(dr) == {want[0]} and set(dc) == {want[1]}


def test_same_seed_same_clips_and_bad_sizes_refused():
    a = video_data.moving_digits(_digits(), 8, seed=1)
    b = video_data.moving_digits(_digits(), 8, seed=1)
    assert np.array_equal(a.x, b.x) and np.array_equal(a.y, b.y)
    with pytest.raises(ValueError, match="does not fit"):
        video_data.moving_digits(_digits(), 4, frames=10, canvas=28, speed=2)
    with pytest.raises(ValueError, match="even h and w"):
        video_data.half_size(np.zeros((2, 27, 27)))


def test_frame_grid_and_learning_curves_draw_what_they_are_given():
    clips = video_data.moving_digits(_digits(), 4, seed=0)
    fig = video.frame_grid(clips.x, clips.names, n=3)
    assert len(fig.axes) == 3 * 6
    assert [ax.get_ylabel() for ax in fig.axes[::6]] == clips.names[:3]
    assert [ax.get_title() for ax in fig.axes[:6]] == [f"frame {t}" for t in range(6)]
    fig = video.frame_grid(clips.x[:, 1:], ["a", "b"], n=2, first_frame=1)  # frames 1 to 5
    assert [ax.get_title() for ax in fig.axes[:5]] == [f"frame {t}" for t in range(1, 6)]
    history = {"accuracy": [0.3, 0.6], "val_accuracy": [0.4, 0.7]}
    fig = video.learning_curves({"a": history, "b": {"accuracy": [0.1, 0.2]}})
    assert [ax.get_title() for ax in fig.axes] == ["a", "b"]
    assert len(fig.axes[0].lines) == 2 and len(fig.axes[1].lines) == 1
    assert fig.axes[0].get_ylim() == (0, 1.03)  # accuracy panels share a 0-to-1 axis
    fig = video.learning_curves({"a": history}, chance=0.25)
    guess = [line for line in fig.axes[0].lines if line.get_label() == "guessing"]
    assert len(guess) == 1 and list(guess[0].get_ydata()) == [0.25, 0.25]
    with pytest.raises(KeyError, match="no 'loss'"):
        video.learning_curves({"a": history}, metric="loss")
