"""Numbers in a chapter's prose come from code: a measured figure typed into markdown fails here.

Every accuracy, time, ratio, margin or error that a chapter *measured* is inserted with myst-nb's
``{glue:text}`` role from the cell that computed it (see ``svmkit.book.glue``). This test reads the
markdown cells of every chapter and flags figures that look measured: percentages, seconds and
minutes, speed-ups (``2.3×``) and "accuracy / margin / error ... <decimal>". Inline code, glue
roles, labels and citations are not prose. Published figures are fine when their sentence carries a
``{cite}``; constants and worked arithmetic are listed in ``ALLOWED`` with the reason.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = sorted((ROOT / "book").glob("[0-9][0-9]_*.ipynb"))

# (chapter file stem, exact phrase) -> why it is not a measured number.
ALLOWED: dict[tuple[str, str], str] = {}

MEASURED = [
    re.compile(r"(?<![\w.])\d(?:[\d,]*\d)?(?:\.\d+)?\s*(?:%|\\%|per ?cent)"),
    re.compile(r"(?<![\w.])\d+(?:\.\d+)?\s*(?:s|ms|µs|min|minutes?|seconds?|hours?)\b(?![-'])"),
    re.compile(r"(?<![\w.])\d+(?:\.\d+)?\s*(?:×|x faster|times (?:faster|slower|the))"),
    re.compile(
        r"\b(?:accuracy|accuracies|margin|error|speed-?up|objective|loss)\b[^.:;\n{}`]{0,40}?"
        r"(?<![\w.^_{])\d+\.\d+(?![\d%]|\s*%)"
    ),
]
NOT_PROSE = [
    re.compile(r"^```(?!\{).*?^```", re.MULTILINE | re.DOTALL),  # fenced code (not directives)
    re.compile(r"\{glue:[a-z]+\}`[^`]*`"),  # glued numbers
    re.compile(r"\{[a-z:]+\}`[^`]*`"),  # other roles: cite, doc, ref, numref
    re.compile(r"``[^`]*``|`[^`\n]*`"),  # inline code
    re.compile(r"^:label:.*$|^```.*$", re.MULTILINE),  # directive fences and labels
    re.compile(r"\]\([^)]*\)"),  # link targets
]


def _sentences(text: str) -> list[str]:
    return re.split(r"(?<=[.!?])\s+(?=[A-Z*(])|\n\s*\n", text)


def measured_numbers_in(markdown: str) -> list[str]:
    """The phrases in ``markdown`` that look like typed-in measured numbers."""
    found = []
    for sentence in _sentences(markdown):
        if "{cite}" in sentence or "{cite:" in sentence:
            continue  # a published figure, with its source
        prose = sentence
        for pattern in NOT_PROSE:
            prose = pattern.sub(" ", prose)
        for pattern in MEASURED:
            found += [match.group(0) for match in pattern.finditer(prose)]
    return found


def _markdown_cells(path: Path) -> list[str]:
    cells = json.loads(path.read_text())["cells"]
    return ["".join(cell["source"]) for cell in cells if cell["cell_type"] == "markdown"]


def test_the_detector_flags_typed_numbers_and_spares_glued_ones():
    assert measured_numbers_in("The test accuracy is 97.35 % after 12 s.") == ["97.35 %", "12 s"]
    assert measured_numbers_in("It is 2.3× faster.") == ["2.3×"]
    assert measured_numbers_in("the margin ends at 1.67.") == ["margin ends at 1.67"]
    glued = "The test accuracy is {glue:text}`acc:.1%` after {glue:text}`secs:.0f` s."
    assert measured_numbers_in(glued) == []
    assert measured_numbers_in("EigenPro reaches 98.56 % {cite}`ma2017diving`.") == []
    assert measured_numbers_in("Use `lr=0.1` and λ = 0.01.") == []


def test_every_allowlisted_phrase_is_still_in_its_chapter():
    prose = {path.stem: "\n".join(_markdown_cells(path)) for path in CHAPTERS}
    stale = [key for key in ALLOWED if key[1] not in prose.get(key[0], "")]
    assert not stale, f"allowlisted phrases no longer in their chapters (remove them): {stale}"


@pytest.mark.parametrize("chapter", CHAPTERS, ids=[path.stem for path in CHAPTERS])
def test_chapter_prose_has_no_typed_measured_numbers(chapter):
    allowed = {phrase for (stem, phrase) in ALLOWED if stem == chapter.stem}
    offending = []
    for markdown in _markdown_cells(chapter):
        offending += [
            phrase
            for phrase in measured_numbers_in(markdown)
            if not any(phrase in allowed_phrase for allowed_phrase in allowed)
        ]
    assert not offending, (
        f"{chapter.name} types measured numbers into its prose; glue them from the cell that "
        f"computed them (svmkit.book.glue + {{glue:text}}), or allowlist a constant with a reason: "
        f"{offending}"
    )
