"""Self-graded exercises. One module per chapter: ``from labsupport.exercises import ch01``.

In a notebook::

    x_121 = ____             # replace ____ with your answer
    ch01.q1.check(x_121)     # not attempted / incorrect (with advice) / correct
    ch01.q1.hint()           # a nudge; hint(2) for a stronger one
    ch01.q1.solution()       # the reference solution
"""

from labsupport.exercises.core import PLACEHOLDER, Exercise, Incorrect, ____, exercise
from labsupport.feedback import Feedback, Outcome

__all__ = ["PLACEHOLDER", "Exercise", "Feedback", "Incorrect", "Outcome", "____", "exercise"]
