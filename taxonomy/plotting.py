"""Charts with Chinese labels: find an installed CJK font and configure matplotlib to use it.

matplotlib's default font (DejaVu Sans) has no Chinese glyphs, so category names show
as empty boxes. :func:`use_chinese_font` looks for a CJK font among the fonts
matplotlib knows and, failing that, among the system's font files (a font installed
after matplotlib built its cache is found too), puts it first in ``font.sans-serif``
and turns off the Unicode minus sign (which CJK fonts often lack). When there is none
it warns once, naming the Debian package that provides one (``fonts-noto-cjk``).
The chart helpers call it themselves.

Examples
--------
>>> import pandas as pd
>>> from taxonomy import plotting
>>> family = plotting.use_chinese_font()          # e.g. 'Noto Sans CJK JP', or None
>>> ax = plotting.ranked_bars(pd.Series({"推诿扯皮": 12, "形式主义": 7}), xlabel="句数")  # doctest: +SKIP
"""

from __future__ import annotations

import re
import warnings

#: Font families tried in order (the first one installed wins).
CJK_FAMILIES = (
    "Noto Sans CJK SC", "Noto Sans CJK JP", "Noto Sans CJK TC", "Noto Sans CJK KR", "Noto Sans SC",
    "Source Han Sans SC", "Source Han Sans CN", "Source Han Sans", "WenQuanYi Zen Hei", "WenQuanYi Micro Hei",
    "SimHei", "Microsoft YaHei", "PingFang SC", "Hiragino Sans GB", "Heiti SC", "STHeiti", "Droid Sans Fallback",
    "AR PL UMing CN", "Noto Serif CJK SC", "Noto Serif CJK JP",
)
#: Font file names that hold CJK glyphs (used when matplotlib's font list is older than the fonts).
CJK_FILES = re.compile(r"NotoSans(Mono)?CJK|NotoSansSC|SourceHanSans|wqy|simhei|msyh|PingFang|DroidSansFallback|"
                       r"NotoSerifCJK|uming|ukai", re.IGNORECASE)
FONT_PACKAGE = "fonts-noto-cjk"
_warned = False


class MissingFontWarning(UserWarning):
    """No CJK font is installed: Chinese text in charts will show as boxes."""


def find_cjk_font() -> str | None:
    """The family name of an installed CJK font, or None.

    Fonts matplotlib already lists are tried first (in the order of :data:`CJK_FAMILIES`);
    then the system's font files whose names mark them as CJK are registered with
    matplotlib and the first one is returned.
    """
    from matplotlib import font_manager

    known = {font.name for font in font_manager.fontManager.ttflist}
    for family in CJK_FAMILIES:
        if family in known:
            return family
    paths = sorted(p for p in font_manager.findSystemFonts() if CJK_FILES.search(p))
    paths.sort(key=lambda p: ("Serif" in p, "Bold" in p))  # prefer regular sans faces
    found = None
    for path in paths:
        try:
            font_manager.fontManager.addfont(path)
            found = found or font_manager.FontProperties(fname=path).get_name()
        except (OSError, RuntimeError, ValueError):  # unreadable font file: try the next
            continue
    return found


def use_chinese_font() -> str | None:
    """Configure matplotlib for Chinese labels; returns the font family used, or None.

    Sets ``font.family`` to sans-serif with the CJK font first in ``font.sans-serif``
    and ``axes.unicode_minus = False``. Warns once (:class:`MissingFontWarning`) when no
    CJK font is installed.
    """
    import matplotlib

    global _warned
    family = find_cjk_font()
    if family is None:
        if not _warned:
            warnings.warn(
                f"no CJK font found: Chinese text in charts will show as boxes; install one, e.g. "
                f"`apt-get install {FONT_PACKAGE}` (Debian/Ubuntu), then restart Python",
                MissingFontWarning, stacklevel=2,
            )
            _warned = True
        return None
    current = [f for f in matplotlib.rcParams["font.sans-serif"] if f != family]
    matplotlib.rcParams["font.sans-serif"] = [family, *current]
    matplotlib.rcParams["font.family"] = "sans-serif"
    matplotlib.rcParams["axes.unicode_minus"] = False
    return family


def ranked_bars(values, *, xlabel: str = "", title: str = "", ax=None, top: int | None = None):
    """Horizontal bars, largest on top, for a Series indexed by (Chinese) names.

    >>> import pandas as pd
    >>> ax = ranked_bars(pd.Series({"推诿扯皮": 12, "形式主义": 7}))
    >>> [t.get_text() for t in ax.get_yticklabels()]
    ['形式主义', '推诿扯皮']
    """
    import matplotlib.pyplot as plt

    use_chinese_font()
    values = values.sort_values(ascending=False)
    if top is not None:
        values = values.head(top)
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 0.35 * len(values) + 1))
    ax.barh(list(values.index.astype(str))[::-1], list(values.to_numpy())[::-1], color="#4477aa")
    ax.set_xlabel(xlabel)
    ax.set_title(title)
    ax.figure.tight_layout()
    return ax


def heatmap(matrix, *, title: str = "", fmt: str = "{:.0%}", ax=None, cmap: str = "Blues"):
    """A labelled heatmap of a DataFrame (rows × columns), each cell annotated with ``fmt``.

    >>> import pandas as pd
    >>> ax = heatmap(pd.DataFrame({"推诿扯皮": [0.1, 0.0]}, index=["讲话一", "讲话二"]))
    >>> ax.texts[0].get_text()
    '10%'
    """
    import matplotlib.pyplot as plt
    import numpy as np

    use_chinese_font()
    if ax is None:
        _, ax = plt.subplots(figsize=(0.7 * matrix.shape[1] + 3, 0.45 * matrix.shape[0] + 1.5))
    data = matrix.to_numpy(dtype=float)
    image = ax.imshow(data, cmap=cmap, aspect="auto", vmin=0)
    ax.set_xticks(range(matrix.shape[1]), [str(c) for c in matrix.columns], rotation=60, ha="right")
    ax.set_yticks(range(matrix.shape[0]), [str(i) for i in matrix.index])
    top = np.nanmax(data) if data.size else 0
    for (i, j), value in np.ndenumerate(data):
        if not np.isnan(value) and value > 0:
            ax.text(j, i, fmt.format(value), ha="center", va="center", fontsize=7,
                    color="white" if value > 0.6 * top else "black")
    ax.set_title(title)
    ax.figure.colorbar(image, ax=ax, fraction=0.03)
    ax.figure.tight_layout()
    return ax
