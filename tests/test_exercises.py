"""svmkit.exercises.check: blank answers are "not answered yet", wrong ones "not yet"."""

from __future__ import annotations

import numpy as np
import pytest

from svmkit.exercises import check, is_unanswered


@pytest.mark.parametrize("answer", [..., (0.4, ...), [1, [2, ...]], {"C": ..., "sigma": 1.0}])
def test_an_answer_holding_an_ellipsis_is_not_answered_and_the_condition_is_not_called(answer):
    def condition(_):
        raise AssertionError("the condition must not run on a blank answer")

    result = check(answer, condition, "margin width")
    assert result.status == "not answered" and not result
    assert "replace the ... with your answer" in str(result)
    assert "Not answered yet" in result._repr_html_() and "Pass" not in result._repr_html_()


def test_right_and_wrong_answers():
    right = check(0.4, lambda a: np.isclose(a, 0.4), lambda a: f"margin {a:.2f}")
    wrong = check(0.5, lambda a: np.isclose(a, 0.4), lambda a: f"margin {a:.2f}", hint="2/‖w‖")
    assert right.passed and str(right) == "PASS: margin 0.40"
    assert not wrong.passed and str(wrong) == "NOT YET: margin 0.50 (hint: 2/‖w‖)"


def test_an_answer_that_breaks_the_condition_is_not_yet_and_never_raises():
    result = check("0.4", lambda a: a > 0.3, "margin wider than 0.3")
    assert result.status == "not yet"
    assert "TypeError" in result.message


def test_arrays_are_answers_too():
    assert not is_unanswered(np.zeros(3))
    assert check(np.ones(3), lambda a: a.sum() == 3).passed


@pytest.mark.parametrize(
    ("kwargs", "name"),
    [({"condition": True}, "condition"), ({"message": 3}, "message"), ({"hint": None}, "hint")],
)
def test_bad_arguments_name_themselves(kwargs, name):
    arguments = {"answer": 1, "condition": bool, "message": "", "hint": ""} | kwargs
    with pytest.raises(TypeError, match=rf"^{name} "):
        check(arguments.pop("answer"), arguments.pop("condition"), arguments.pop("message"),
              hint=arguments.pop("hint"))
