"""Commands for the labelled data: ``suggest``, ``import``, ``data check``, ``data agreement``, ``categories``."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from ..errors import TaxonomyError
from ._common import app, data_app, ModelOption, ForceOption, DataOption, _fail, _console


@app.command()
def suggest(
    paths: list[Path] = typer.Argument(..., help="New speech files or folders."),
    output: Path = typer.Option(..., "--output", "-o", help="The batch: .xlsx, .csv, .json (Label Studio) or .jsonl."),
    n: int = typer.Option(200, "--number", "-n", help="Sentences in the batch."),
    fmt: Optional[str] = typer.Option(None, "--format", help="excel, csv, label-studio, doccano or prodigy (default: by extension)."),
    random_share: float = typer.Option(0.0, "--random-share", help="Share drawn at random (sample=random) for unbiased evaluation, e.g. 0.2."),
    seed: int = typer.Option(0, "--seed", help="Seed of the random share and of ties."),
    data: Optional[Path] = DataOption,
    model_path: Optional[Path] = ModelOption,
    force: bool = ForceOption,
) -> None:
    """Choose the sentences of new speeches that would teach the model most, ready to annotate.

    Example: taxonomy suggest speeches/ -n 200 --random-share 0.2 -o batch.xlsx
    """
    from ..annotate import export_batch, export_format
    from ..model import load_model
    from ..suggest import suggest as suggest_batch

    try:
        export_format(output, fmt)
        batch = suggest_batch(paths, n, model=load_model(model_path), labelled_dir=data, random_share=random_share, seed=seed)
        written = export_batch(batch, output, fmt, overwrite=force)
    except TaxonomyError as exc:
        _fail(exc)
    if batch.empty:
        typer.echo("no new sentence: every sentence of these speeches is already labelled (or a near-duplicate of one)", err=True)
    counts = batch["sample"].value_counts().to_dict()
    typer.echo(f"wrote {len(batch)} sentences ({counts.get('suggested', 0)} suggested, {counts.get('random', 0)} random) "
               f"to {', '.join(map(str, written))}")


@app.command("import")
def import_(
    files: list[Path] = typer.Argument(..., help="Filled batches: .xlsx, .csv, Label Studio .json, doccano or Prodigy .jsonl."),
    data: Optional[Path] = DataOption,
    prefer: str = typer.Option("old", "--prefer", help="On a conflict with labels in the set: old (keep, report) or new (replace)."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Show what would change and write nothing."),
    annotator: str = typer.Option("", "--annotator", help="Annotator written where the file names none."),
    fmt: Optional[str] = typer.Option(None, "--format", help="excel, csv, label-studio, doccano or prodigy (default: detected)."),
) -> None:
    """Add filled batches to the labelled set (imported.csv), checked, without duplicates, with a backup.

    Example: taxonomy import batch.xlsx --annotator 王 --dry-run
    """
    from .. import config
    from ..importing import apply_import, plan_import

    try:
        plan = plan_import(files, data or config.labelled_dir(), prefer=prefer, annotator=annotator, fmt=fmt)
        for line in plan.summary_lines():
            typer.echo(line, err=bool(plan.problems))
        if plan.problems:
            raise TaxonomyError(f"{len(plan.problems)} problem(s) in {', '.join(map(str, files))}; nothing imported")
        changed = [] if dry_run else apply_import(plan)
    except TaxonomyError as exc:
        _fail(exc)
    typer.echo("dry run: nothing written" if dry_run else
               f"wrote {', '.join(map(str, changed)) or 'nothing'}; next: taxonomy data check, taxonomy train --force")



@data_app.command("check")
def data_check(data: Optional[Path] = DataOption) -> None:
    """Validate every labelled file and print counts per category and stance.

    Example: taxonomy data check --data data/labelled
    """
    from .. import config
    from ..dataset import check_labelled

    report = check_labelled(data or config.labelled_dir())
    for line in report.summary_lines():
        typer.echo(line)
    for warning in report.warnings:
        typer.echo(f"warning: {warning}", err=True)
    if report.problems:
        for problem in report.problems:
            typer.echo(problem, err=True)
        typer.echo(f"{len(report.problems)} problem(s) found", err=True)
        raise typer.Exit(1)
    typer.echo("no problems found")


@data_app.command("agreement")
def data_agreement(
    second_pass: Path = typer.Argument(..., help="CSV with id, labels, stance from an independent second coder."),
    data: Optional[Path] = DataOption,
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="Also write the figures as JSON."),
    as_coded: bool = typer.Option(
        False, "--as-coded", help="Compare with the first labels as they were when the round was coded (rebuilt from "
        "roundN_adjudication.csv): the data card's figures. Default: the labelled data as it is today."),
    force: bool = ForceOption,
) -> None:
    """Inter-annotator agreement: Cohen's kappa per category, Krippendorff's alpha overall.

    Compares with the labelled data as it is today unless --as-coded; the first line of the
    output says which, and the figures recorded when the round was coded are shown when
    roundN_agreement.json lies beside the second pass.

    Example: taxonomy data agreement data/reliability/round2_second_pass.csv --as-coded
    """
    import json

    from .. import config
    from ..atomic import write_atomic
    from ..reliability import agreement, agreement_lines

    try:
        result = agreement(data or config.labelled_dir(), second_pass, as_coded=as_coded)
        if output is not None:
            write_atomic(output, json.dumps(result, ensure_ascii=False, indent=2) + "\n", overwrite=force)
    except TaxonomyError as exc:
        _fail(exc)
    for line in agreement_lines(result):
        typer.echo(line)


@app.command()
def categories() -> None:
    """List the categories: id, 中文名, family and definition.

    Example: taxonomy categories
    """
    from rich.table import Table

    from ..categories import load_categories

    view = Table(title="categories")
    for column in ("id", "name_zh", "family", "definition"):
        view.add_column(column, overflow="fold")
    for c in load_categories():
        view.add_row(c.id, c.name_zh, c.family, c.definition)
    _console().print(view)
