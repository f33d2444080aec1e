"""Self-checking exercise cells: a check prints a clear pass or "not yet" line.

Every chapter ends with exercises. Where an answer can be checked by code, the notebook has a
check cell that calls :func:`check`; it never raises, so a reader's wrong answer does not stop the
notebook, and it returns the verdict so that tests (and the book build) can assert on the
reference solution.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CheckResult:
    """The verdict of one exercise check.

    Attributes
    ----------
    passed : bool
        Whether the answer meets the exercise's condition.
    message : str
        What was checked, in words, with the numbers that decided it.
    """

    passed: bool
    message: str

    def __bool__(self) -> bool:
        return self.passed

    def __str__(self) -> str:
        mark = "PASS" if self.passed else "NOT YET"
        return f"{mark}: {self.message}"

    def _repr_html_(self) -> str:
        colour = "#1a7f37" if self.passed else "#b35900"
        mark = "✔ Pass" if self.passed else "✘ Not yet"
        return f'<p style="color:{colour};font-weight:bold">{mark}: {self.message}</p>'


def check(condition: bool, message: str, *, hint: str = "") -> CheckResult:
    """Turn an exercise condition into a visible pass / "not yet" verdict.

    Parameters
    ----------
    condition : bool
        True when the reader's answer is right.
    message : str
        What is being checked, e.g. ``"error 0.018 < 0.02 with D = 512"``.
    hint : str, optional
        Shown only when the check fails.

    Returns
    -------
    CheckResult
        Truthy when the check passed; printed as ``PASS: ...`` or ``NOT YET: ...``.

    Examples
    --------
    >>> print(check(0.018 < 0.02, "approximation error below 0.02"))
    PASS: approximation error below 0.02
    >>> print(check(False, "margin wider than 1.5", hint="try a smaller λ"))
    NOT YET: margin wider than 1.5 (hint: try a smaller λ)
    """
    if not isinstance(message, str):
        raise TypeError(f"message must be a string, got {type(message).__name__}")
    passed = bool(condition)
    if not passed and hint:
        message = f"{message} (hint: {hint})"
    return CheckResult(passed, message)
