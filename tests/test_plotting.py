"""Charts with Chinese labels draw every glyph."""

from __future__ import annotations

import warnings

import pandas as pd
import pytest

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")

from taxonomy import plotting  # noqa: E402
from taxonomy.categories import load_categories  # noqa: E402

NO_FONT = "no CJK font installed (Debian: apt-get install fonts-noto-cjk); .ci/run installs one"


@pytest.fixture
def cjk_font():
    family = plotting.find_cjk_font()
    if family is None:
        pytest.skip(NO_FONT)
    return family


def _draw_without_missing_glyphs(ax):
    with warnings.catch_warnings():
        warnings.filterwarnings("error", message=".*missing from font")
        ax.figure.canvas.draw()


def test_charts_with_chinese_names_have_every_glyph(cjk_font):
    import matplotlib.pyplot as plt

    names = [c.name_zh for c in load_categories()]
    counts = pd.Series(range(len(names), 0, -1), index=names)
    ax = plotting.ranked_bars(counts, xlabel="句数（按类别）", title="各类作风问题 −1")
    assert matplotlib.rcParams["font.sans-serif"][0] == plotting.use_chinese_font()
    assert matplotlib.rcParams["axes.unicode_minus"] is False
    _draw_without_missing_glyphs(ax)
    shares = pd.DataFrame([[0.1] * 3, [0.0, 0.2, 0.05]], index=["在全市作风建设大会上的讲话", "讲话二"], columns=names[:3])
    _draw_without_missing_glyphs(plotting.heatmap(shares, title="份额"))
    plt.close("all")


def test_the_default_font_alone_would_miss_glyphs():
    """The check above can fail: DejaVu Sans has no Chinese."""
    import matplotlib.pyplot as plt

    with matplotlib.rc_context({"font.family": "DejaVu Sans"}):
        fig, ax = plt.subplots()
        ax.set_title("推诿扯皮")
        with pytest.raises(UserWarning, match="missing from font"):
            _draw_without_missing_glyphs(ax)
    plt.close(fig)


def test_ranked_bars_put_the_largest_on_top():
    ax = plotting.ranked_bars(pd.Series({"形式主义": 3, "推诿扯皮": 9, "庸懒散": 5}), top=2)
    assert [t.get_text() for t in ax.get_yticklabels()] == ["庸懒散", "推诿扯皮"]


def test_a_clear_warning_once_when_no_cjk_font_is_installed(monkeypatch):
    monkeypatch.setattr(plotting, "find_cjk_font", lambda: None)
    monkeypatch.setattr(plotting, "_warned", False)
    with pytest.warns(plotting.MissingFontWarning, match="fonts-noto-cjk"):
        assert plotting.use_chinese_font() is None
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert plotting.use_chinese_font() is None
