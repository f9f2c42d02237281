"""A report a colleague can read: one self-contained HTML page, or a formatted workbook.

:func:`write_report` labels the speeches and writes, by the output's extension,

* ``.html`` — one page with no network access and no external assets (inline CSS and
  inline SVG): each speech's text in order, every labelled sentence highlighted in its
  family's colour with its Chinese category names and stance, the words that drove
  each label in bold (:mod:`taxonomy.explaining`), sentences close to a threshold
  marked "check", a Chinese legend, and each speech's category profile as a bar chart;
* ``.xlsx`` — :func:`taxonomy.workbook.write_report_workbook`: a summary sheet with a
  chart, then a formatted sheet per speech.

All text is HTML-escaped (a speech may hold ``<script>``). The file is written to a
temporary file and renamed into place; an existing one is replaced only with
``overwrite=True``.

Examples
--------
>>> import taxonomy
>>> model = taxonomy.load_model()                                                  # doctest: +SKIP
>>> write_report(model, ["data/raw/000_a0a5117793308a47.txt"], "report.html")  # doctest: +SKIP
PosixPath('report.html')
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from pathlib import Path

import pandas as pd

from .categories import load_categories
from .errors import TaxonomyError
from .explaining import TOP_FEATURES, Span, explain_sentences, merged_spans
from .atomic import temporary_beside
from .readable import FAMILY_COLOURS, FAMILY_STRONG, STANCE_ZH, family_of

FORMATS = (".html", ".htm", ".xlsx")
FONTS = '"Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", "PingFang SC", "WenQuanYi Micro Hei", sans-serif'
CSS = f"""
body {{ font-family: {FONTS}; max-width: 60em; margin: 2em auto; padding: 0 1em; line-height: 1.9; color: #222; }}
h1 {{ font-size: 1.5em; }} h2 {{ font-size: 1.2em; border-bottom: 1px solid #ccc; margin-top: 2.5em; }}
.s.hit {{ border-radius: 3px; padding: 1px 0; }}
.s.hit b.why {{ font-weight: bold; text-decoration: underline; text-decoration-color: #555; }}
.tag {{ font-size: 0.72em; color: #333; background: #fff; border: 1px solid #999; border-radius: 3px;
        padding: 0 3px; margin: 0 2px; white-space: nowrap; }}
.chk {{ font-size: 0.72em; color: #fff; background: #c0392b; border-radius: 3px; padding: 0 3px; margin: 0 2px; }}
.s.check {{ outline: 2px dashed #c0392b; }}
.legend {{ border: 1px solid #ccc; padding: 0.5em 1em; border-radius: 4px; }}
.legend span.sw {{ display: inline-block; padding: 0 0.5em; border-radius: 3px; margin-right: 0.3em; }}
.meta {{ color: #666; font-size: 0.9em; }}
"""


@dataclass
class SpeechReport:
    """One speech: its normalised text, labelled table and merged reason spans per sentence."""

    doc: str
    text: str
    table: pd.DataFrame
    spans: dict[int, list[Span]]


def collect(model, paths, *, top: int = TOP_FEATURES) -> list[SpeechReport]:
    """Read, label and explain every speech under ``paths`` (files or folders), in order."""
    from .normalise import normalise_text
    from .reading import expand_paths, read_document

    speeches = []
    for doc, path in expand_paths(paths):
        raw = read_document(path)
        table = model.label_text(raw, doc=doc)
        speeches.append(SpeechReport(doc, normalise_text(raw), table, merged_spans(explain_sentences(model, raw, top=top))))
    if not speeches:
        raise TaxonomyError(f"{', '.join(map(str, paths))}: no supported speech files found")
    return speeches


def write_report(model, paths, out: str | Path, *, overwrite: bool = False, top: int = TOP_FEATURES) -> Path:
    """Label the speeches under ``paths`` and write the report ``out`` (``.html`` or ``.xlsx``)."""
    out = Path(out)
    if out.suffix.lower() not in FORMATS:
        raise TaxonomyError(f"{out}: unsupported report format {out.suffix or '(none)'} (use .html or .xlsx)")
    if out.exists() and not overwrite:
        raise TaxonomyError(f"{out}: already exists (use --force to replace it)")
    speeches = collect(model, paths, top=top)
    with temporary_beside(out, overwrite=overwrite) as tmp:
        if out.suffix.lower() == ".xlsx":
            from .workbook import write_report_workbook

            write_report_workbook(speeches, tmp)
        else:
            tmp.write_text(render_html(speeches), encoding="utf-8")
    return out


def _names() -> dict[str, str]:
    return {c.id: c.name_zh for c in load_categories()}


def _sentence_html(text: str, spans: list[Span]) -> str:
    parts, at = [], 0
    for span in spans:
        parts.append(escape(text[at:span.start]))
        parts.append(f'<b class="why">{escape(text[span.start:span.end])}</b>')
        at = span.end
    parts.append(escape(text[at:]))
    return "".join(parts)


def render_speech(speech: SpeechReport) -> str:
    """The HTML of one speech: paragraphs of sentences, labelled ones highlighted."""
    names = _names()
    probability_columns = [c for c in speech.table.columns if c.startswith("p_")]
    paragraphs: list[list[str]] = [[]]
    previous_end = 0
    for row in speech.table.to_dict(orient="records"):
        if "\n" in speech.text[previous_end:int(row["start"])] and paragraphs[-1]:
            paragraphs.append([])
        previous_end = int(row["end"])
        text, labels, check = str(row["text"]), str(row["labels"] or ""), bool(row.get("check"))
        if not labels:
            body = escape(text)
            paragraphs[-1].append(f'<span class="s check">{body}</span><span class="chk">check 复核</span>' if check
                                  else f'<span class="s">{body}</span>')
            continue
        ids = labels.split("|")
        family = family_of(labels, {c[2:]: float(row[c]) for c in probability_columns})
        zh = "、".join(names.get(i, i) for i in ids)
        stance = STANCE_ZH.get(row["stance"], row["stance"])
        classes = "s hit check" if check else "s hit"
        body = _sentence_html(text, speech.spans.get(int(row["sentence_id"]), []))
        paragraphs[-1].append(
            f'<span class="{classes}" style="background:#{FAMILY_COLOURS[family]}" data-labels="{escape(labels)}" '
            f'data-family="{escape(family)}" title="{escape(zh)} · {escape(stance)}">{body}</span>'
            f'<span class="tag">{escape(zh)} · {escape(stance)}</span>'
            + ('<span class="chk">check 复核</span>' if check else "")
        )
    return "\n".join(f"<p>{''.join(p)}</p>" for p in paragraphs if p)


def profile_svg(table: pd.DataFrame, width: int = 560) -> str:
    """An inline SVG bar chart: labelled sentences per category (most first), bars in family colours."""
    categories = load_categories()
    counts = {c.id: 0 for c in categories}
    for cell in table["labels"].fillna(""):
        for i in str(cell).split("|"):
            if i in counts:
                counts[i] += 1
    shown = sorted((c for c in categories if counts[c.id]), key=lambda c: -counts[c.id])
    if not shown:
        return '<p class="meta">本讲话没有句子被标注。</p>'
    row, left, top = 22, 110, 6
    most = max(counts[c.id] for c in shown)
    height = top * 2 + row * len(shown)
    bars = []
    for k, c in enumerate(shown):
        y = top + k * row
        length = max(2, round((width - left - 40) * counts[c.id] / most))
        bars.append(
            f'<text x="{left - 6}" y="{y + 15}" text-anchor="end">{escape(c.name_zh)}</text>'
            f'<rect x="{left}" y="{y + 3}" width="{length}" height="{row - 6}" fill="#{FAMILY_STRONG[c.family]}">'
            f'<title>{escape(c.name_zh)}: {counts[c.id]}</title></rect>'
            f'<text x="{left + length + 4}" y="{y + 15}">{counts[c.id]}</text>'
        )
    return (f'<svg xmlns="http://www.w3.org/2000/svg" class="profile" width="{width}" height="{height}" '
            f'role="img" aria-label="各类别句数" font-size="13" font-family=\'{FONTS}\'>' + "".join(bars) + "</svg>")


def legend_html() -> str:
    """The Chinese legend: family colours with their categories, emphasis, check and stance."""
    members: dict[str, list[str]] = {}
    for c in load_categories():
        members.setdefault(c.family, []).append(c.name_zh)
    rows = "".join(
        f'<li><span class="sw" style="background:#{colour}">{escape(family)}</span>{escape("、".join(members.get(family, [])))}</li>'
        for family, colour in FAMILY_COLOURS.items()
    )
    return (
        '<div class="legend" id="legend"><strong>图例</strong><ul>' + rows + "</ul>"
        '<p><b class="why">粗体下划线</b>：促成该标注的主要词语。标签中的“问题”指出问题，“整治”提出纠治措施。'
        '<span class="chk">check 复核</span>：某一类别的概率接近其阈值，建议人工核对。</p></div>'
    )


def render_html(speeches: list[SpeechReport], title: str = "作风问题标注报告") -> str:
    """The whole self-contained page."""
    n_sentences = sum(len(s.table) for s in speeches)
    n_labelled = sum(int((s.table["labels"].fillna("") != "").sum()) for s in speeches)
    sections = []
    for k, speech in enumerate(speeches, start=1):
        labelled = int((speech.table["labels"].fillna("") != "").sum())
        sections.append(
            f'<section class="speech" id="speech-{k}"><h2>{escape(speech.doc)}</h2>'
            f'<p class="meta">{len(speech.table)} 句，其中 {labelled} 句被标注。</p>'
            f"<h3>类别分布</h3>{profile_svg(speech.table)}<h3>全文</h3>{render_speech(speech)}</section>"
        )
    return (
        '<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8">'
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">"
        f"<title>{escape(title)}</title><style>{CSS}</style></head><body>"
        f"<h1>{escape(title)}</h1><p class=\"meta\">{len(speeches)} 篇讲话，{n_sentences} 句，其中 {n_labelled} 句被标注。</p>"
        + legend_html() + "".join(sections) + "</body></html>\n"
    )
