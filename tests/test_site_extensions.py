"""The book's local Sphinx extensions (book/_ext), without building the book."""

from __future__ import annotations

import doctest
import importlib.util
from pathlib import Path

import pytest
from docutils import nodes
from docutils.frontend import get_default_settings
from docutils.parsers.rst import Parser
from docutils.utils import new_document

EXT = Path(__file__).resolve().parents[1] / "book" / "_ext"


def _load(name: str):
    spec = importlib.util.spec_from_file_location(name, EXT / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("name", ["site_urls", "accessibility"])
def test_docstring_examples(name):
    results = doctest.testmod(_load(name))
    assert results.attempted > 0 and results.failed == 0


def test_pages_url_needs_a_github_repository():
    site_urls = _load("site_urls")
    assert site_urls.pages_url("https://github.com/Me/course.git") == "https://me.github.io/course/"
    with pytest.raises(ValueError, match=r"html\.baseurl"):
        site_urls.pages_url("https://gitlab.com/me/course")


class _Config:
    def __init__(self, **values):
        self.__dict__.update(values)


def test_site_address_follows_the_repository_unless_baseurl_is_set():
    site_urls = _load("site_urls")
    body = '<a href="{root}index.html">'
    config = _Config(html_baseurl="", html_theme_options={"repository_url":
                     "https://github.com/svmkit/svmkit"}, notfound_context={"body": body})
    site_urls._derive(None, config)
    assert config.html_baseurl == config.ogp_site_url == "https://svmkit.github.io/svmkit/"
    assert config.notfound_urls_prefix == "/svmkit/"
    assert config.notfound_context["body"] == '<a href="/svmkit/index.html">'
    config = _Config(html_baseurl="https://www.example.edu/~t/svm", html_theme_options={},
                     notfound_context={"body": body})
    site_urls._derive(None, config)
    assert config.html_baseurl == "https://www.example.edu/~t/svm/"
    assert config.notfound_urls_prefix == "/~t/svm/"


def _document(rst: str) -> nodes.document:
    document = new_document("test", get_default_settings(Parser))
    Parser().parse(rst, document)
    return document


def _cell_with_image(document: nodes.document, index: int) -> nodes.image:
    """Put a myst-nb-like cell (container.cell > container.cell_output > image) at ``index``."""
    image = nodes.image(uri="_images/0123abcd.png")
    output = nodes.container(classes=["cell_output"])
    output += image
    cell = nodes.container(classes=["cell"])
    cell += output
    section = document.next_node(nodes.section)
    section.insert(index, cell)
    return image


def test_figure_takes_the_italic_caption_after_its_cell_as_alt_text():
    figure_alt = _load("figure_alt")
    document = _document("Margins\n=======\n\nIntro.\n\n*Margin bands: wide* and more text.\n")
    captioned = _cell_with_image(document, 2)  # after the title and "Intro."
    uncaptioned = _cell_with_image(document, 1)  # followed by "Intro.", not by a caption
    keeps = _cell_with_image(document, 1)
    keeps["alt"] = "set in the notebook"
    figure_alt._add_alt_text(None, document, "test")
    assert captioned["alt"] == "Margin bands: wide"
    assert uncaptioned["alt"] == "Figure drawn by the code above, in the section “Margins”"
    assert keeps["alt"] == "set in the notebook"
