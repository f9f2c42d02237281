"""``taxonomy summary``: how often each problem comes up, per speech or per group."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from ..errors import TaxonomyError
from ._common import app, ModelOption, ForceOption, MaxFileOption, MaxSentenceOption, _limits, _fail, _console


@app.command()
def summary(
    paths: list[Path] = typer.Argument(..., help="Speech files or folders."),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="Write to .csv, .xlsx, .jsonl or .parquet."),
    by: str = typer.Option("doc", "--by", help="One group per speech (doc) or per value of title, date, place, speaker, level."),
    kind: str = typer.Option("both", "--kind", help="Rows for each category, each family, or both."),
    wide_view: bool = typer.Option(False, "--wide", help="Speeches side by side: one column per speech."),
    value: str = typer.Option("count", "--value", help="With --wide: count, problem, remedy, share, per_1000_chars or expected."),
    zeros: bool = typer.Option(False, "--zeros/--no-zeros", help="Keep the categories and families a group never mentions."),
    metadata: Optional[Path] = typer.Option(
        None, "--metadata", help="CSV with file, title, date, place, speaker, level (default: speeches.csv beside the speeches)."),
    max_file_mb: Optional[float] = MaxFileOption,
    max_sentence_chars: Optional[int] = MaxSentenceOption,
    model_path: Optional[Path] = ModelOption,
    force: bool = ForceOption,
) -> None:
    """Per speech (or group): sentences per category and family, their share, rate per 1,000 characters, by stance.

    Ranked by count; speeches are shown by title (from speeches.csv or the text), else by file name.
    See taxonomy.frequencies for the columns.

    Example: taxonomy summary data/raw --wide --value share -o out/summary.xlsx
    """
    from ..frequency import frequency_table
    from ..metadata import speech_metadata
    from ..model import load_model
    from ..output import write_table

    try:
        if kind not in ("both", "category", "family"):
            raise TaxonomyError(f"--kind {kind}: use category, family or both")
        meta = speech_metadata(paths, sidecar=metadata)
        labels = load_model(model_path).label_files(paths, limits=_limits(max_file_mb, max_sentence_chars))
        table = frequency_table(labels, meta, by, wide_value=value if wide_view else None, kind=kind, zeros=zeros)
        if output is not None:
            write_table(table, output, overwrite=force)
            typer.echo(f"wrote the summary of {len(meta)} speech(es) to {output}", err=True)
        elif wide_view:
            _print_wide(table, value)
        else:
            _print_summary(table)
    except (TaxonomyError, ValueError) as exc:
        _fail(exc)


def _print_summary(table) -> None:
    from rich import box
    from rich.table import Table

    for group, rows in table.groupby("group", sort=False):
        first = rows.iloc[0]
        view = Table(title=f"{group} ({first['n_sentences']} sentences, {first['n_chars']:,} characters)",
                     box=box.SIMPLE_HEAD, title_justify="left")
        for column, justify in (("", "left"), ("count", "right"), ("problem", "right"), ("remedy", "right"),
                                ("share", "right"), ("/1000 ch", "right"), ("expected", "right")):
            view.add_column(column, justify=justify)
        for row in rows.itertuples(index=False):
            name = row.name_zh if row.kind == "category" else f"[{row.name_zh}]"
            view.add_row(name, str(row.count), str(row.problem), str(row.remedy), f"{row.share:.1%}",
                         f"{row.per_1000_chars:.2f}", f"{row.expected:.1f}")
        _console().print(view)
    typer.echo("[…] = family: a sentence counts once however many of its categories it carries.")


def _print_wide(table, value: str) -> None:
    from rich import box
    from rich.table import Table

    groups = [c for c in table.columns if c not in ("kind", "name_zh")]
    view = Table(title=f"{value} per speech", box=box.SIMPLE_HEAD, title_justify="left")
    view.add_column("")
    for k in range(len(groups)):
        view.add_column(f"S{k + 1}", justify="right")
    fmt = "{:.1%}" if value == "share" else "{:.2f}" if value in ("per_1000_chars", "expected") else "{:.0f}"
    for row in table.itertuples(index=False):
        name = row.name_zh if row.kind == "category" else f"[{row.name_zh}]"
        view.add_row(name, *(fmt.format(v) for v in row[2:]))
    _console().print(view)
    for k, group in enumerate(groups):
        typer.echo(f"S{k + 1}: {group}")
