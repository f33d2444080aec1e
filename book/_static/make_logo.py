"""Draw the svmkit logo: two classes, the maximum-margin separator and its margin lines.

Run it from the repository root after changing the drawing; it rewrites the three committed files
(`logo.svg` for the page header, `logo.png` for link previews, `favicon.png` for the browser tab):

    .venv/bin/python book/_static/make_logo.py

One geometry, two renderers (hand-written SVG and matplotlib), so the files cannot drift apart.
"""

from __future__ import annotations

from pathlib import Path

HERE = Path(__file__).resolve().parent
SIZE = 64  # the drawing's coordinate system: 64 x 64, y pointing up as in the course's plots
BLUE, ORANGE, INK, PAPER = "#1f5fa8", "#c84f0a", "#222222", "#ffffff"
# The separator is x + y = 64; the margin lines are x + y = 64 ± 18 (support vectors sit on them).
SEPARATOR = ((6.0, 58.0), (58.0, 6.0))
MARGINS = (((6.0, 40.0), (40.0, 6.0)), ((24.0, 58.0), (58.0, 24.0)))
CLASS_MINUS = [(11.0, 12.0), (9.0, 24.0), (21.0, 10.0), (23.0, 23.0)]  # circles; (23, 23) on x+y=46
CLASS_PLUS = [(51.0, 52.0), (53.0, 40.0), (41.0, 53.0), (41.0, 41.0)]  # squares; (41, 41) on x+y=82
SUPPORT = [(23.0, 23.0), (41.0, 41.0)]
RADIUS = 4.2


def svg() -> str:
    """The logo as SVG text (y flipped: SVG's y axis points down)."""

    def line(points, width, dash=""):
        (x0, y0), (x1, y1) = points
        extra = f' stroke-dasharray="{dash}"' if dash else ""
        return (f'<line x1="{x0:g}" y1="{SIZE - y0:g}" x2="{x1:g}" y2="{SIZE - y1:g}" '
                f'stroke="{INK}" stroke-width="{width:g}" stroke-linecap="round"{extra}/>')

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {SIZE} {SIZE}" '
        f'width="{SIZE}" height="{SIZE}" role="img" aria-labelledby="t">',
        '<title id="t">svmkit: two classes split by the maximum-margin line</title>',
        f'<rect x="1" y="1" width="{SIZE - 2}" height="{SIZE - 2}" rx="10" fill="{PAPER}" '
        f'stroke="{INK}" stroke-width="1.5"/>',
        *(line(margin, 1.8, "4 3") for margin in MARGINS),
        line(SEPARATOR, 3.2),
    ]
    for x, y in SUPPORT:
        parts.append(f'<circle cx="{x:g}" cy="{SIZE - y:g}" r="{RADIUS + 2.6:g}" fill="{PAPER}" '
                     f'stroke="{INK}" stroke-width="1.4"/>')
    for x, y in CLASS_MINUS:
        parts.append(f'<circle cx="{x:g}" cy="{SIZE - y:g}" r="{RADIUS:g}" fill="{BLUE}"/>')
    for x, y in CLASS_PLUS:
        side = 2 * RADIUS * 0.9
        parts.append(f'<rect x="{x - side / 2:g}" y="{SIZE - y - side / 2:g}" width="{side:g}" '
                     f'height="{side:g}" fill="{ORANGE}"/>')
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def png(path: Path, pixels: int) -> None:
    """The same drawing rendered with matplotlib into a square PNG of ``pixels`` pixels."""
    from matplotlib.figure import Figure
    from matplotlib.patches import Circle, FancyBboxPatch, Rectangle

    figure = Figure(figsize=(1, 1), dpi=pixels)
    axes = figure.add_axes((0, 0, 1, 1))
    axes.set_xlim(0, SIZE)
    axes.set_ylim(0, SIZE)
    axes.set_axis_off()
    scale = 72 / SIZE  # SVG user units to points: the 1-inch figure spans SIZE units
    axes.add_patch(FancyBboxPatch((1, 1), SIZE - 2, SIZE - 2,
                                  boxstyle="round,pad=0,rounding_size=10",
                                  facecolor=PAPER, edgecolor=INK, linewidth=1.5 * scale))
    for (x0, y0), (x1, y1) in MARGINS:
        axes.plot([x0, x1], [y0, y1], color=INK, linewidth=1.8 * scale, dashes=(4 / 1.8, 3 / 1.8),
                  solid_capstyle="round")
    (x0, y0), (x1, y1) = SEPARATOR
    axes.plot([x0, x1], [y0, y1], color=INK, linewidth=3.2 * scale, solid_capstyle="round")
    for x, y in SUPPORT:
        axes.add_patch(Circle((x, y), RADIUS + 2.6, facecolor=PAPER, edgecolor=INK,
                              linewidth=1.4 * scale, zorder=2.5))
    for x, y in CLASS_MINUS:
        axes.add_patch(Circle((x, y), RADIUS, facecolor=BLUE, edgecolor="none",
                              zorder=3))
    side = 2 * RADIUS * 0.9
    for x, y in CLASS_PLUS:
        axes.add_patch(Rectangle((x - side / 2, y - side / 2), side, side, facecolor=ORANGE,
                                 edgecolor="none", zorder=3))
    figure.savefig(path, transparent=True, metadata={"Software": None})


def main() -> None:
    (HERE / "logo.svg").write_text(svg(), encoding="utf-8")
    png(HERE / "logo.png", 512)
    png(HERE / "favicon.png", 64)


if __name__ == "__main__":
    main()
