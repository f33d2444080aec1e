"""Build the student site: the course without the exercises' solutions.

``make student-book`` runs ``python book/_ext/student_site.py`` after ``make book``. It is the same
build as ``jupyter-book build . -W -n --keep-going`` (same ``_config.yml``, ``_toc.yml`` and strict
warnings) with these Sphinx settings changed:

* ``hide_solutions = True``: sphinx-exercise then drops every ``{solution}`` block before parsing
  it, so no solution text, code or label reaches a page (the exercises stay, numbered as before);
* ``nb_execution_cache_path``: the main build's jupyter-cache (``_build/.jupyter_cache``), so each
  chapter's executed outputs are reused instead of run again. The student pages therefore carry
  exactly the main site's outputs, and the build takes seconds per page instead of minutes;
* no page sources: ``html_copy_source = False`` and no download buttons, because the sources
  (``_sources/*.ipynb``, the download button's file) still contain the solution blocks.

The site goes to ``_build/student/html`` (``BUILD_DIR/student/html`` with ``--build-dir``); it is
self-contained like the main site: publish that folder, or zip it for an offline class.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def student_overrides(build_dir: Path) -> dict[str, object]:
    """The Sphinx settings that turn the main build into the student build.

    Examples
    --------
    >>> overrides = student_overrides(Path("/tmp/_build"))
    >>> overrides["hide_solutions"], overrides["nb_execution_cache_path"]
    (True, '/tmp/_build/.jupyter_cache')
    >>> overrides["html_copy_source"], overrides["html_theme_options"]["use_download_button"]
    (False, False)
    """
    from jupyter_book.config import get_final_config

    # What `jupyter-book build . -n` passes for the root folder layout of this repository.
    overrides: dict[str, object] = {
        "external_toc_path": str(ROOT / "_toc.yml"),
        "nitpicky": True,
        "latex_individualpages": False,
    }
    final, _ = get_final_config(
        user_yaml=ROOT / "_config.yml",
        cli_config=dict(overrides),  # it pops keys from what it is given
        sourcedir=ROOT,
        use_external_toc=True,
    )
    theme_options = dict(final["html_theme_options"])
    # The page sources (_sources/, behind the "download .ipynb/.md" buttons) still hold the
    # {solution} blocks: the student site ships neither them nor the buttons.
    theme_options["use_download_button"] = False
    overrides.update(
        hide_solutions=True,
        nb_execution_cache_path=str(build_dir / ".jupyter_cache"),
        html_copy_source=False,
        html_theme_options=theme_options,
    )
    return overrides


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--build-dir",
        type=Path,
        default=ROOT / "_build",
        help="the main build's folder (its .jupyter_cache is reused); default: _build",
    )
    build_dir = parser.parse_args(argv).build_dir.resolve()
    output = build_dir / "student" / "html"

    from jupyter_book.sphinx import build_sphinx

    result = build_sphinx(
        ROOT,
        output,
        use_external_toc=True,
        noconfig=True,
        path_config=str(ROOT / "_config.yml"),
        confoverrides=student_overrides(build_dir),
        warningiserror=True,
        keep_going=True,
    )
    if isinstance(result, Exception):
        print(f"The student site failed to build: {result!r}", file=sys.stderr)
        return 1
    if result:
        print(f"The student site failed to build (exit status {result}).", file=sys.stderr)
        return int(result)
    print(f"\nThe student site (no solutions) is ready: open file://{output}/index.html")
    return 0


if __name__ == "__main__":
    sys.exit(main())
