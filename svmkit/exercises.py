"""Self-checking exercise cells: a check shows "not answered yet", "not yet" or "pass".

Every chapter ends with exercises. Where an answer can be checked by code, the notebook has a
check cell in which the reader's answer starts as ``...`` (Python's Ellipsis). :func:`check` then
says "not answered yet"; once the reader fills the answer in, it says whether the answer passes.
It never raises, so a wrong or half-written answer does not stop the notebook, and it returns the
verdict so that the book build can assert that the reference solution passes (in a hidden cell).

A check cell looks like this::

    margin_width = ...   # your answer
    check(margin_width, lambda answer: np.isclose(answer, 0.4),
          lambda answer: f"margin {answer:.3f} for w = (3, 4)", hint="the margin is 2/‖w‖")

Chapter 4's "can you do better?" challenge is scored by :func:`score_run` against a measured
:class:`Baseline`: a better run reaches 99 % of its final accuracy in strictly fewer epochs
(:func:`epochs_to_reach`) while keeping the baseline's accuracy and margin width.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np

from svmkit._plot_utils import series_of

__all__ = [
    "Baseline",
    "CheckResult",
    "RunScore",
    "check",
    "epochs_to_reach",
    "is_unanswered",
    "score_run",
]

Status = Literal["passed", "not yet", "not answered"]

_MARKS = {
    "passed": ("PASS", "✔ Pass", "#1a7f37"),
    "not yet": ("NOT YET", "✘ Not yet", "#b35900"),
    "not answered": ("NOT ANSWERED YET", "… Not answered yet", "#57606a"),
}


@dataclass(frozen=True)
class CheckResult:
    """The verdict of one exercise check.

    Attributes
    ----------
    status : {"passed", "not yet", "not answered"}
        ``"not answered"`` while the answer still contains ``...``.
    message : str
        What was checked, in words, with the numbers that decided it.
    """

    status: Status
    message: str

    @property
    def passed(self) -> bool:
        """True only when the answer was given and meets the exercise's condition."""
        return self.status == "passed"

    def __bool__(self) -> bool:
        return self.passed

    def __str__(self) -> str:
        return f"{_MARKS[self.status][0]}: {self.message}"

    def _repr_html_(self) -> str:
        _, mark, colour = _MARKS[self.status]
        return f'<p style="color:{colour};font-weight:bold">{mark}: {self.message}</p>'


def is_unanswered(answer: Any) -> bool:
    """Whether an answer still holds ``...`` (itself, or inside a tuple, list or dict).

    Examples
    --------
    >>> is_unanswered(...), is_unanswered((0.4, ...)), is_unanswered({"C": 1.0})
    (True, True, False)
    """
    if answer is Ellipsis:
        return True
    if isinstance(answer, Mapping):
        return any(is_unanswered(value) for value in answer.values())
    if isinstance(answer, (tuple, list)):
        return any(is_unanswered(value) for value in answer)
    return False


def check(
    answer: Any,
    condition: Callable[[Any], Any],
    message: str | Callable[[Any], str] = "",
    *,
    hint: str = "",
) -> CheckResult:
    """Check a reader's answer and show a pass / "not yet" / "not answered yet" verdict.

    Parameters
    ----------
    answer : object
        The reader's answer: a number, an array, a tuple of several values... While it is (or
        contains) ``...``, the verdict is "not answered yet" and ``condition`` is not called.
    condition : callable
        ``condition(answer)`` is truthy when the answer is right.
    message : str or callable, optional
        What is being checked, e.g. ``"error below 0.02"``; a callable gets the answer and can
        put its numbers into the message.
    hint : str, optional
        Shown only when the check does not pass.

    Returns
    -------
    CheckResult
        Truthy only when the check passed; printed as ``PASS: ...``, ``NOT YET: ...`` or
        ``NOT ANSWERED YET: ...``. It never raises: an answer that makes ``condition`` or
        ``message`` fail is "not yet", with the error in the message.

    Examples
    --------
    >>> print(check(0.4, lambda a: abs(a - 0.4) < 1e-9, lambda a: f"margin {a:.2f}"))
    PASS: margin 0.40
    >>> print(check(..., lambda a: a > 1.5, "margin wider than 1.5"))
    NOT ANSWERED YET: margin wider than 1.5 (replace the ... with your answer)
    >>> print(check((0.4, ...), lambda a: a[0] < a[1], lambda a: f"{a[0]} < {a[1]}"))
    NOT ANSWERED YET: replace the ... with your answer
    >>> print(check(1.2, lambda a: a > 1.5, "margin wider than 1.5", hint="try a smaller λ"))
    NOT YET: margin wider than 1.5 (hint: try a smaller λ)
    """
    if not callable(condition):
        raise TypeError(f"condition must be callable, got {type(condition).__name__}")
    if not (isinstance(message, str) or callable(message)):
        raise TypeError(f"message must be a string or a callable, got {type(message).__name__}")
    if not isinstance(hint, str):
        raise TypeError(f"hint must be a string, got {type(hint).__name__}")
    if is_unanswered(answer):
        prompt = "replace the ... with your answer"
        text = f"{message} ({prompt})" if isinstance(message, str) and message else prompt
        return CheckResult("not answered", text)
    try:
        passed = bool(condition(answer))
        text = message if isinstance(message, str) else message(answer)
    except Exception as error:  # a half-written answer must not stop the notebook
        text = f"your answer raised {type(error).__name__}: {error}"
        passed = False
    if not passed and hint:
        text = f"{text} (hint: {hint})"
    return CheckResult("passed" if passed else "not yet", text)


def _accuracy_series(history: Any) -> tuple[np.ndarray, float | None]:
    """Accuracy values (and the last margin width, if logged) from a history or a sequence."""
    if isinstance(history, np.ndarray) or (
        isinstance(history, Sequence) and not isinstance(history, str)
    ):
        return np.asarray(history, dtype=float).reshape(-1), None
    series = series_of(history)
    for name in ("accuracy", "acc", "train_accuracy"):
        if name in series:
            margin = series.get("margin_width")
            return np.asarray(series[name], dtype=float), (margin[-1] if margin else None)
    raise KeyError(f"no accuracy series in the history; found {sorted(series)}")


def epochs_to_reach(
    accuracy: Sequence[float] | np.ndarray,
    fraction: float = 0.99,
    *,
    batches_per_epoch: int | None = None,
) -> float:
    """Epochs until the accuracy first reaches ``fraction`` of its final value.

    Parameters
    ----------
    accuracy : sequence of float
        Accuracy after each epoch (or after each batch, with ``batches_per_epoch``).
    fraction : float, default 0.99
        Target as a fraction of the final accuracy.
    batches_per_epoch : int, optional
        Set when the series is per batch, to convert batches to (fractional) epochs.

    Examples
    --------
    >>> epochs_to_reach([0.5, 0.9, 0.975, 0.98])  # 0.975 >= 0.99 * 0.98
    3.0
    >>> epochs_to_reach([0.5, 0.9, 0.975, 0.98], batches_per_epoch=2)
    1.5
    """
    accuracy = np.asarray(accuracy, dtype=float).reshape(-1)
    if accuracy.size == 0:
        raise ValueError("the accuracy series is empty")
    # The tolerance keeps ties exact when accuracies are ratios of counts.
    reached = accuracy >= fraction * accuracy[-1] - 1e-12
    count = float(np.argmax(reached) + 1)  # the last value always qualifies
    return count / batches_per_epoch if batches_per_epoch else count


@dataclass(frozen=True)
class Baseline:
    """A measured reference run for :func:`score_run`.

    Parameters
    ----------
    epochs_to_target : float
        Epochs the reference needed to reach 99 % of its final accuracy.
    final_accuracy : float
        Its final accuracy.
    margin_width : float, optional
        Its final margin width ``2/‖w‖``.
    description : str, default "baseline"
        What the reference run was, e.g. ``"SGD lr=0.1, batch 32"``.

    Examples
    --------
    >>> Baseline.from_history({"accuracy": [0.6, 0.9, 0.955, 0.96]}, margin_width=1.2)
    Baseline(epochs_to_target=3.0, final_accuracy=0.96, margin_width=1.2, description='baseline')
    """

    epochs_to_target: float
    final_accuracy: float
    margin_width: float | None = None
    description: str = "baseline"

    @classmethod
    def from_history(
        cls,
        history: Any,
        *,
        margin_width: float | None = None,
        fraction: float = 0.99,
        batches_per_epoch: int | None = None,
        description: str = "baseline",
    ) -> Baseline:
        """Measure a baseline from a training history (or an accuracy series)."""
        accuracy, logged_margin = _accuracy_series(history)
        return cls(
            epochs_to_target=epochs_to_reach(accuracy, fraction,
                                             batches_per_epoch=batches_per_epoch),
            final_accuracy=float(accuracy[-1]),
            margin_width=margin_width if margin_width is not None else logged_margin,
            description=description,
        )


@dataclass(frozen=True)
class RunScore:
    """Result of :func:`score_run`; its repr reads as a small pass/fail report."""

    epochs_to_target: float
    final_accuracy: float
    margin_width: float | None
    baseline: Baseline
    fraction: float = 0.99
    checks: tuple[tuple[str, str, str, bool], ...] = field(default=(), repr=False)

    @property
    def passed(self) -> bool:
        """True when every check (speed, accuracy, margin if known) holds."""
        return all(ok for *_, ok in self.checks)

    @property
    def speedup(self) -> float:
        """Baseline epochs divided by this run's epochs (> 1 is faster)."""
        return self.baseline.epochs_to_target / self.epochs_to_target

    def __repr__(self) -> str:
        verdict = "PASS" if self.passed else "FAIL"
        lines = [f"RunScore: {verdict} — {self.speedup:.2f}× the speed of "
                 f"{self.baseline.description}"]
        width = max(len(name) for name, *_ in self.checks)
        for name, value, reference, ok in self.checks:
            lines.append(f"  {'✓' if ok else '✗'} {name:<{width}}  {value:>8}"
                         f"  (baseline {reference})")
        return "\n".join(lines)


def score_run(
    history: Any,
    *,
    baseline: Baseline,
    margin_width: float | None = None,
    fraction: float = 0.99,
    batches_per_epoch: int | None = None,
    accuracy_tolerance: float = 0.005,
    margin_tolerance: float = 0.1,
) -> RunScore:
    """Score a training run against a baseline: faster, as accurate, a margin as wide?

    The rules of chapter 4's challenge: the run must reach ``fraction`` of its final accuracy in
    strictly fewer epochs than the baseline, end at most ``accuracy_tolerance`` below the
    baseline's accuracy, and keep a margin at most ``margin_tolerance`` narrower.

    Parameters
    ----------
    history : History, mapping or sequence of float
        A history with an ``"accuracy"`` series (svmkit or Keras), or the series itself.
    baseline : Baseline
        The measured reference run.
    margin_width : float, optional
        Final ``2/‖w‖`` of this run (else the last ``"margin_width"`` of the history, if any).
    fraction : float, default 0.99
        Speed is measured as epochs to reach ``fraction`` of the final accuracy.
    batches_per_epoch : int, optional
        Set when the series is per batch.
    accuracy_tolerance : float, default 0.005
        The final accuracy may be this much below the baseline's.
    margin_tolerance : float, default 0.1
        The margin may be this fraction narrower than the baseline's.

    Returns
    -------
    RunScore
        ``passed`` is True when the run needs strictly fewer epochs than the baseline (a tie
        is not a win), keeps its accuracy (within the tolerance) and, when both are known, its
        margin width.

    Examples
    --------
    >>> baseline = Baseline(epochs_to_target=5, final_accuracy=0.95, margin_width=1.0)
    >>> score_run([0.80, 0.94, 0.955, 0.96], baseline=baseline, margin_width=1.05)
    RunScore: PASS — 1.67× the speed of baseline
      ✓ epochs to 99% of final accuracy         3  (baseline 5)
      ✓ final accuracy                     0.9600  (baseline 0.9500)
      ✓ margin width 2/‖w‖                  1.050  (baseline 1.000)
    """
    if not isinstance(baseline, Baseline):
        raise TypeError(f"baseline must be a Baseline; got {type(baseline).__name__}")
    accuracy, logged_margin = _accuracy_series(history)
    if margin_width is None:
        margin_width = logged_margin
    epochs = epochs_to_reach(accuracy, fraction, batches_per_epoch=batches_per_epoch)
    final = float(accuracy[-1])
    checks = [
        (f"epochs to {fraction:.0%} of final accuracy", f"{epochs:g}",
         f"{baseline.epochs_to_target:g}", epochs < baseline.epochs_to_target),
        ("final accuracy", f"{final:.4f}", f"{baseline.final_accuracy:.4f}",
         final >= baseline.final_accuracy - accuracy_tolerance),
    ]
    if margin_width is not None and baseline.margin_width is not None:
        checks.append(("margin width 2/‖w‖", f"{margin_width:.3f}", f"{baseline.margin_width:.3f}",
                       margin_width >= (1 - margin_tolerance) * baseline.margin_width))
    return RunScore(epochs, final, margin_width, baseline, fraction, tuple(checks))
