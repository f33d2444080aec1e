"""svmkit.exercises: blank answers are "not answered yet", wrong ones "not yet"; chapter 4 score."""

from __future__ import annotations

from typing import ClassVar

import numpy as np
import pytest

from svmkit.exercises import Baseline, check, epochs_to_reach, is_unanswered, score_run


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


# -- score_run ------------------------------------------------------------------------------
BASELINE = Baseline(
    epochs_to_target=4, final_accuracy=0.95, margin_width=1.0, description="SGD lr=0.1"
)


def test_epochs_to_reach_arithmetic():
    assert epochs_to_reach([0.2, 0.5, 0.99, 0.97, 1.0]) == 3.0
    assert epochs_to_reach([0.9]) == 1.0
    assert epochs_to_reach([0.2, 0.5, 0.98, 0.99], fraction=0.5) == 2.0
    assert epochs_to_reach(np.linspace(0, 1, 10), batches_per_epoch=4) == 2.5
    with pytest.raises(ValueError, match="empty"):
        epochs_to_reach([])


def test_score_run_pass():
    score = score_run(
        {"loss": [1, 0.5, 0.4], "accuracy": [0.90, 0.955, 0.96]},
        baseline=BASELINE,
        margin_width=0.95,
    )
    assert score.passed
    assert score.epochs_to_target == 2.0 and score.speedup == 2.0
    assert score.final_accuracy == 0.96
    text = repr(score)
    assert text.startswith("RunScore: PASS") and "SGD lr=0.1" in text and "✗" not in text


@pytest.mark.parametrize(
    ("accuracy", "margin", "failing"),
    [
        ([0.5, 0.6, 0.7, 0.8, 0.9, 0.96], 1.0, "epochs to 99%"),  # slower: 6 > 4 epochs
        ([0.92, 0.93], 1.0, "final accuracy"),  # fast but 0.93 < 0.95 − 0.005
        ([0.96, 0.96], 0.8, "margin width"),  # margin 20 % narrower than the baseline
    ],
)
def test_score_run_fail(accuracy, margin, failing):
    score = score_run(accuracy, baseline=BASELINE, margin_width=margin)
    assert not score.passed
    assert repr(score).startswith("RunScore: FAIL")
    failed = [name for name, _, _, ok in score.checks if not ok]
    assert len(failed) == 1 and failed[0].startswith(failing)


def test_score_run_reads_keras_history_and_logged_margin():
    class KerasLikeHistory:
        history: ClassVar[dict] = {"accuracy": [0.8, 0.95, 0.951], "margin_width": [2.0, 1.5, 1.2]}

    score = score_run(KerasLikeHistory(), baseline=BASELINE)
    assert score.margin_width == 1.2 and score.passed
    no_margin = score_run([0.95], baseline=Baseline(2, 0.95))
    assert no_margin.passed and len(no_margin.checks) == 2
    baseline = Baseline.from_history(KerasLikeHistory(), description="measured")
    assert (baseline.epochs_to_target, baseline.margin_width) == (2.0, 1.2)
    with pytest.raises(KeyError, match="accuracy"):
        score_run({"loss": [1.0]}, baseline=BASELINE)


def test_a_tie_with_the_baseline_is_not_a_win():
    # Chapter 4: "A better run must get there in fewer epochs than the baseline".
    tie = score_run([0.5, 0.7, 0.9, 0.96], baseline=BASELINE, margin_width=1.0)
    assert tie.epochs_to_target == BASELINE.epochs_to_target and tie.speedup == 1.0
    assert not tie.passed and repr(tie).startswith("RunScore: FAIL")
    assert [name for name, *_, ok in tie.checks if not ok] == ["epochs to 99% of final accuracy"]
    faster = score_run([0.5, 0.7, 0.96, 0.96], baseline=BASELINE, margin_width=1.0)
    assert faster.passed and faster.speedup == 4 / 3


def test_the_challenge_is_scored_per_batch_and_the_baseline_is_checked():
    baseline = Baseline.from_history(np.linspace(0.5, 1.0, 8), batches_per_epoch=4)
    assert baseline.epochs_to_target == 2.0 and baseline.final_accuracy == 1.0
    run = score_run(np.r_[0.5, np.ones(7)], baseline=baseline, batches_per_epoch=4)
    assert run.epochs_to_target == 0.5 and run.speedup == 4.0 and run.passed
    with pytest.raises(TypeError, match="baseline"):
        score_run([0.9], baseline={"epochs_to_target": 3})
