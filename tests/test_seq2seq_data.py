"""The addition task of chapter 9: lengths, encoding, the split and the two accuracies."""

import numpy as np
import pytest

from labsupport.data import seq2seq as s2s


def test_lengths_and_vocabulary():
    assert s2s.question_length(2) == 5 and s2s.answer_length(2) == 3
    assert s2s.question_length(3) == 7 and s2s.answer_length(3) == 4
    assert len(s2s.VOCABULARY) == len(set(s2s.VOCABULARY)) == 12
    assert s2s.PAD in s2s.VOCABULARY


def test_answers_are_the_sums_and_fit_their_length():
    data = s2s.addition(500, 100, digits=2, seed=3)
    for q, a in zip(
        data.train_questions + data.test_questions,
        data.train_answers + data.test_answers,
        strict=True,
    ):
        left, right = q.split("+")
        assert int(a) == int(left) + int(right)
        assert len(q) <= 5 and len(a) <= 3
        assert 0 <= int(left) <= 99 and 0 <= int(right) <= 99


def test_deterministic_disjoint_and_seed_dependent():
    one, two = s2s.addition(300, 50, seed=1), s2s.addition(300, 50, seed=1)
    assert one == two
    assert s2s.addition(300, 50, seed=2).train_questions != one.train_questions
    everything = one.train_questions + one.test_questions
    assert len(set(everything)) == len(everything) == 350
    assert not set(one.train_questions) & set(one.test_questions)


def mirror(question):
    left, right = question.split("+")
    return f"{right}+{left}"


@pytest.mark.parametrize(
    ("n_train", "n_test", "digits", "seed"),
    [(9_000, 1_000, 2, 0), (1_000, 1_000, 2, 0), (300, 51, 2, 4), (95, 5, 1, 0), (40, 7, 1, 3)],
)
def test_no_test_sum_is_in_training_in_either_order(n_train, n_test, digits, seed):
    data = s2s.addition(n_train, n_test, digits=digits, seed=seed)
    assert len(data.train_questions) == n_train and len(data.test_questions) == n_test
    train = set(data.train_questions)
    assert not {mirror(q) for q in data.test_questions} & train
    assert not set(data.test_questions) & train
    # the split is not trivially one-sided: some test questions come with their mirror
    assert (
        any(mirror(q) in set(data.test_questions) and mirror(q) != q for q in data.test_questions)
        or n_test < 10
    )


def test_all_problems_can_be_drawn_but_not_more():
    data = s2s.addition(95, 5, digits=1, seed=0)
    assert len(set(data.train_questions + data.test_questions)) == 100
    with pytest.raises(ValueError, match="only 100"):
        s2s.addition(95, 6, digits=1)
    with pytest.raises(ValueError):
        s2s.addition(1, 1, digits=0)
    with pytest.raises(ValueError):
        s2s.addition(-1, 1)


def test_arrays_are_one_hot_with_the_right_shapes():
    data = s2s.addition(40, 10, seed=0)
    assert data.x_train.shape == (40, 5, 12) and data.y_train.shape == (40, 3, 12)
    assert data.x_test.shape == (10, 5, 12) and data.y_test.shape == (10, 3, 12)
    for arr in (data.x_train, data.y_test):
        assert arr.dtype == np.float32
        assert np.array_equal(arr.sum(axis=-1), np.ones(arr.shape[:2]))


def test_encode_decode_round_trip_keeps_the_padding():
    texts = ["12+7", "99+99", "0+0"]
    encoded = s2s.encode(texts, 5)
    assert s2s.decode(encoded) == ["12+7 ", "99+99", "0+0  "]
    assert s2s.decode(s2s.to_indices(encoded)) == ["12+7 ", "99+99", "0+0  "]
    probabilities = encoded * 0.9 + 0.1 / 12  # not one-hot, same argmax
    assert s2s.decode(probabilities) == s2s.decode(encoded)


def test_encode_refuses_what_does_not_fit():
    with pytest.raises(ValueError, match="more than 3"):
        s2s.encode(["1234"], 3)
    with pytest.raises(ValueError, match="not one of"):
        s2s.encode(["1-2"], 3)
    with pytest.raises(ValueError, match="expected"):
        s2s.to_indices(np.zeros(4))


def test_step_and_sequence_accuracy():
    truth = s2s.encode(["19", "100", "7"], 3)
    guess = s2s.encode(["19", "101", "8"], 3)  # one right, one off by a step, one off by one
    assert s2s.step_accuracy(truth, guess) == pytest.approx(7 / 9)
    assert s2s.sequence_accuracy(truth, guess) == pytest.approx(1 / 3)
    assert s2s.sequence_accuracy(truth, truth) == s2s.step_accuracy(truth, truth) == 1.0
