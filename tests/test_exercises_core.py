"""The self-grading framework itself: outcomes, placeholder, display."""

from labsupport.exercises import PLACEHOLDER, Incorrect, Outcome, ____, exercise
from labsupport.exercises.core import contains_placeholder


@exercise("demo.q1", hints=("first", "second"), solution="answer = 42\n")
def q1(answer):
    """Give the answer."""
    if answer == 41:
        raise Incorrect("One short: add one.")
    if answer != 42:
        raise Incorrect("Not the answer.")
    return "Right."


@exercise("demo.q2")
def q2(items):
    """Broken checker for a list answer."""
    return items[10]  # raises IndexError on short lists


def test_title_comes_from_docstring():
    assert q1.title == "Give the answer."
    assert q1.name == "demo.q1"


def test_correct():
    fb = q1.check(42)
    assert fb.outcome is Outcome.CORRECT and fb.correct
    assert "Right." in str(fb)


def test_incorrect_carries_the_message():
    fb = q1.check(41)
    assert fb.outcome is Outcome.INCORRECT
    assert "add one" in fb.message


def test_placeholder_is_not_attempted():
    assert ____ is PLACEHOLDER
    assert q1.check(____).outcome is Outcome.NOT_ATTEMPTED
    assert q1.check().outcome is Outcome.NOT_ATTEMPTED
    assert contains_placeholder([1, (2, ____)])
    assert contains_placeholder({"a": ____})
    assert not contains_placeholder([1, 2])


def test_unexpected_error_is_could_not_check():
    fb = q2.check([1, 2])
    assert fb.outcome is Outcome.COULD_NOT_CHECK
    assert "IndexError" in fb.message


def test_hints_and_solution():
    assert "first" in str(q1.hint())
    assert "second" in str(q1.hint(2))
    assert "second" in str(q1.hint(99))  # clamped to the last hint
    assert "answer = 42" in str(q1.solution())
    assert "no hint" in str(q2.hint())


def test_html_and_text_views():
    fb = q1.check(41)
    html = fb._repr_html_()
    assert "data-outcome='incorrect'" in html and "add one" in html
    text = str(q1.check(42))
    assert text.startswith("demo.q1: ") and "Correct" in text
    assert "<" not in text


def test_html_escapes_learner_text():
    @exercise("demo.q3")
    def q3(answer):
        """Echo."""
        raise Incorrect(f"You gave {answer}")

    assert "&lt;b&gt;" in q3.check("<b>")._repr_html_()


def test_lstm_count_advice_calls_the_candidate_a_block_not_a_gate():
    from labsupport.exercises import expect
    from labsupport.exercises.core import Incorrect

    features, units = 1, 5
    wrong = [35, 120, 40, 160, 30, 141, units * (features + units)]
    for n in wrong:
        try:
            expect.lstm_count(n, features, units)
        except Incorrect as exc:
            text = str(exc)
        else:
            raise AssertionError(f"lstm_count accepted {n}")
        assert "four gates" not in text and "4 gates" not in text, text
    try:
        expect.lstm_count(35, features, units)
    except Incorrect as exc:
        assert "input, forget and output gates and the cell candidate" in str(exc)


def test_hints_render_in_the_hint_style():
    fb = q1.hint(1)
    assert fb.kind == "hint"
    assert "1 of 2" in fb.message and "first" in fb.message
    page = fb._repr_html_()
    assert "#5b3a9c" in page  # the hint colour
    assert "#1d5d8a" not in page  # not the solution's
    assert str(fb).startswith("demo.q1: Hint")
    single = exercise("demo.q4", hints=("only one",))(lambda answer: None)
    assert single.hint().message == "only one"


def test_hint_with_a_wrong_number_explains_itself():
    for bad in (None, ____, "2", [1], float("nan")):
        fb = q1.hint(bad)
        assert fb.kind == "hint"
        assert "1 to 2" in fb.message and "q1.hint(1)" in fb.message
        assert fb._repr_html_()


# --- the call itself: how many answers, by which names, and what no exercise takes ----------


@exercise("demo.q5", answers=("shape_guess", "count_guess"))
def q5(shape, count):
    """Two answers."""
    return f"{shape} and {count}"


def test_answers_are_named_as_the_notebook_passes_them():
    assert q5.answers == ("shape_guess", "count_guess")
    assert q5.usage == "demo.q5.check(shape_guess, count_guess)"
    assert q1.answers == ("answer",)  # the checker's own names when none are given


def test_answer_names_must_match_the_checker():
    import pytest

    with pytest.raises(ValueError, match="2 answer names"):
        exercise("demo.q6", answers=("a", "b"))(lambda only: None)


def test_a_wrong_number_of_answers_says_what_check_takes():
    for call in [(1,), (1, 2, 3)]:
        fb = q5.check(*call)
        assert fb.outcome is Outcome.INCORRECT, fb
        assert "demo.q5.check takes 2 answers: demo.q5.check(shape_guess, count_guess)" in (
            fb.message
        )
        assert "the cell that made your answer" not in fb.message
    assert "count_guess is missing" in q5.check(1).message
    assert "It was given 3" in q5.check(1, 2, 3).message
    fb = q5.check()
    assert fb.outcome is Outcome.NOT_ATTEMPTED and "demo.q5.check(shape_guess" in fb.message


def test_answers_by_name():
    assert q5.check(shape_guess=1, count_guess=2).message == "1 and 2"
    assert q5.check(1, count_guess=2).message == "1 and 2"
    fb = q5.check(1, shape=2)
    assert fb.outcome is Outcome.INCORRECT and "no answer called 'shape'" in fb.message
    fb = q5.check(1, 2, shape_guess=3)
    assert fb.outcome is Outcome.INCORRECT and "given twice" in fb.message


def test_what_no_exercise_takes_is_refused_before_the_checker_runs():
    import numpy as np

    cases = [
        (float("nan"), "is nan"),
        (np.float32("inf"), "is inf"),
        (-float("inf"), "is -inf"),
        (np.array([1.0, np.nan]), "holds nan"),
        (1 + 2j, "complex number (1+2j)"),
        (np.array([1 + 0j]), "holds complex numbers"),
    ]
    for value, phrase in cases:
        fb = q1.check(value)
        assert fb.outcome is Outcome.INCORRECT, (value, fb)
        assert phrase in fb.message and fb.message.startswith("answer "), (value, fb.message)


def test_hint_with_odd_values():
    import numpy as np

    for bad in (float("inf"), -float("inf"), 1 + 0j, int, True):
        fb = q1.hint(bad)
        assert "1 to 2" in fb.message, (bad, fb.message)
    assert "second" in q1.hint(np.int64(2)).message
    assert "second" in q1.hint(10**400).message  # clamped, not an OverflowError
    assert "one number" in q1.hint(1, 2).message
