"""Derive the published site's address from the one repository URL in ``_config.yml``.

The sitemap, the OpenGraph link previews and the 404 page each need to know where the site is
served. A fork for a class should only have to change ``repository.url``, so the address is
derived from it: ``https://github.com/OWNER/REPO`` is published by GitHub Pages at
``https://OWNER.github.io/REPO/`` (and ``OWNER.github.io`` repositories at the root). Hosting the
built folder anywhere else means setting ``html.baseurl`` in ``_config.yml``, which wins.

From that one address this sets ``html_baseurl`` (sitemap, canonical links), ``ogp_site_url``
(absolute ``og:url``/``og:image``) and ``notfound_urls_prefix`` (the 404 page is served at any
depth, so its links must be absolute paths from the host's root; ``{root}`` in the 404 page's
body becomes that path).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlparse


def pages_url(repository_url: str) -> str:
    """The GitHub Pages address of a GitHub repository, with a trailing slash.

    Examples
    --------
    >>> pages_url("https://github.com/svmkit/svmkit")
    'https://svmkit.github.io/svmkit/'
    >>> pages_url("https://github.com/Teacher/Teacher.github.io/")
    'https://teacher.github.io/'
    """
    parsed = urlparse(repository_url)
    parts = [part for part in parsed.path.split("/") if part]
    if parsed.hostname != "github.com" or len(parts) < 2:
        raise ValueError(
            f"repository.url {repository_url!r} is not a GitHub repository: set html.baseurl "
            "in _config.yml to the address the site is served from"
        )
    owner, repository = parts[0].lower(), parts[1].removesuffix(".git")
    if repository.lower() == f"{owner}.github.io":
        return f"https://{owner}.github.io/"
    return f"https://{owner}.github.io/{repository}/"


def _derive(app: Any, config: Any) -> None:
    base = config.html_baseurl or pages_url(config.html_theme_options.get("repository_url", ""))
    base = base if base.endswith("/") else base + "/"
    config.html_baseurl = base
    config.ogp_site_url = base
    config.notfound_urls_prefix = urlparse(base).path or "/"
    context = dict(config.notfound_context)
    if "body" in context:
        context["body"] = context["body"].replace("{root}", config.notfound_urls_prefix)
    config.notfound_context = context


def setup(app: Any) -> dict[str, Any]:
    app.connect("config-inited", _derive)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
