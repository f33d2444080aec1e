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
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

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
