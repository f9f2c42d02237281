"""The ``taxonomy`` command: a thin layer over the Python API.

Every command catches :class:`~taxonomy.errors.TaxonomyError`, prints its one-line
message and exits with status 2.
"""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from .errors import TaxonomyError

app = typer.Typer(
    name="taxonomy",
    help="Label sentences of Chinese work-style speeches with problem categories (形式主义, 推诿扯皮, 中梗阻 …).",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
)
data_app = typer.Typer(help="Work with the labelled data.", no_args_is_help=True, rich_markup_mode=None)
app.add_typer(data_app, name="data")

ModelOption = typer.Option(None, "--model", "-m", help="Model file (default: models/taxonomy-default.skops).")
ForceOption = typer.Option(False, "--force", "-f", help="Replace the output file if it exists.")
DataOption = typer.Option(None, "--data", "-d", help="Folder of labelled CSV files (default: data/labelled).")
PROGRESS_FROM = 5


def _fail(exc: Exception) -> None:
    typer.echo(f"error: {exc}", err=True)
    raise typer.Exit(2)


def _console():
    from rich.console import Console

    return Console(stderr=False, soft_wrap=False)


def _progress(total: int):
    """A progress bar on stderr, shown for more than a handful of files."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    return Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
        transient=True, disable=total <= PROGRESS_FROM, console=Console(stderr=True),
    )


@app.command()
def label(
    paths: list[Path] = typer.Argument(..., help="Speech files (.txt .docx .pdf .html) or folders."),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="Write to .csv, .xlsx, .jsonl or .parquet."),
    model_path: Optional[Path] = ModelOption,
    force: bool = ForceOption,
    jobs: int = typer.Option(1, "--jobs", "-j", help="Worker processes for many files (0 = all cores)."),
) -> None:
    """Label every sentence of the speeches: one row per sentence.

    Columns: doc, sentence_id, start, end, text, labels, stance, then p_<id> for
    every category. Without -o a readable table is printed.

    Example: taxonomy label data/raw/000_a0a5117793308a47.txt -o labels.csv
    """
    from .labelling import label_to_file, label_stream
    from .model import load_model
    from .reading import expand_paths

    try:
        model = load_model(model_path)
        files = expand_paths(paths)
        if not files:
            raise TaxonomyError(f"{', '.join(map(str, paths))}: no supported speech files found")
        with _progress(len(files)) as progress:
            task = progress.add_task("labelling", total=len(files))
            advance = lambda: progress.advance(task)  # noqa: E731 - not persisted
            if output is not None:
                n = label_to_file(model, files, output, overwrite=force, jobs=jobs, on_document=advance)
                typer.echo(f"wrote {n} sentences from {len(files)} file(s) to {output}", err=True)
            else:
                for table in label_stream(model, files, jobs=jobs, on_document=advance):
                    _print_labels(table)
    except TaxonomyError as exc:
        _fail(exc)


def _print_labels(table) -> None:
    from rich.table import Table

    if table.empty:
        return
    view = Table(title=str(table["doc"].iloc[0]), show_lines=False)
    for column in ("sentence_id", "labels", "stance", "text"):
        view.add_column(column, overflow="fold")
    for row in table.itertuples(index=False):
        view.add_row(str(row.sentence_id), row.labels or "-", row.stance or "", row.text)
    _console().print(view)


@app.command()
def explain(
    text: str = typer.Argument(..., help="A sentence or passage, or the path of a speech file."),
    model_path: Optional[Path] = ModelOption,
    top: int = typer.Option(5, "--top", "-n", help="Features to show per label."),
) -> None:
    """Show why each sentence got its labels: the words and n-grams that weighed most.

    Example: taxonomy explain "有的干部遇到矛盾绕道走，碰到问题向上推。"
    """
    from rich.table import Table

    from .model import load_model
    from .reading import read_document

    try:
        model = load_model(model_path)
        source = Path(text)
        raw = read_document(source) if len(text) < 4096 and source.suffix and source.is_file() else text
        table = model.explain(raw, top=top)
    except TaxonomyError as exc:
        _fail(exc)
    if table.empty:
        typer.echo("no sentence got a label")
        return
    view = Table(show_lines=False)
    for column in ("sentence_id", "category", "probability", "feature", "contribution"):
        view.add_column(column, overflow="fold")
    for row in table.itertuples(index=False):
        view.add_row(str(row.sentence_id), row.category, f"{row.probability:.2f}", row.feature, f"{row.contribution:.3f}")
    _console().print(view)


@app.command()
def summary(
    paths: list[Path] = typer.Argument(..., help="Speech files or folders."),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="Write to .csv, .xlsx, .jsonl or .parquet."),
    model_path: Optional[Path] = ModelOption,
    force: bool = ForceOption,
) -> None:
    """Per speech: sentences per category and per family, split by stance.

    Example: taxonomy summary data/raw -o summary.xlsx
    """
    from .model import load_model
    from .output import write_table
    from .report import summarise

    try:
        model = load_model(model_path)
        table = summarise(model.label_files(paths))
        if output is not None:
            write_table(table, output, overwrite=force)
            typer.echo(f"wrote the summary of {table['doc'].nunique()} speech(es) to {output}", err=True)
        else:
            _print_summary(table)
    except TaxonomyError as exc:
        _fail(exc)


def _print_summary(table) -> None:
    from rich.table import Table

    for doc, rows in table.groupby("doc", sort=False):
        view = Table(title=f"{doc} ({rows['n_sentences'].iloc[0]} sentences)")
        for column in ("level", "id", "name_zh", "problem", "remedy", "total", "expected"):
            view.add_column(column, justify="right" if column in ("problem", "remedy", "total", "expected") else "left")
        for row in rows.itertuples(index=False):
            if row.total or row.level == "family" or row.expected >= 0.5:
                view.add_row(row.level, row.id, row.name_zh, str(row.problem), str(row.remedy), str(row.total),
                             f"{row.expected:.1f}")
        _console().print(view)


@app.command()
def train(
    data: Optional[Path] = DataOption,
    out: Optional[Path] = typer.Option(None, "--out", "-o", help="Model file to write (default: the default model)."),
    cv: bool = typer.Option(True, "--cv/--no-cv", help="Print cross-validated scores grouped by source."),
    force: bool = ForceOption,
) -> None:
    """Train the model on the labelled data and write it with its metadata (.json).

    Example: taxonomy train --out models/taxonomy-default.skops --force
    """
    from . import config
    from .training import train as train_model

    target = out or config.default_model_path()
    try:
        if target.exists() and not force:
            raise TaxonomyError(f"{target}: already exists (use --force to replace it)")
        model, scores = train_model(data, target, cv=cv)
    except TaxonomyError as exc:
        _fail(exc)
    for key, value in scores.items():
        typer.echo(f"{key:>22}: {value:.3f}" if isinstance(value, float) else f"{key:>22}: {value}")
    typer.echo(f"wrote {target} ({model.metadata['n_sentences']} sentences, {len(model.categories)} categories)")


@app.command()
def evaluate(
    data: Optional[Path] = DataOption,
    out_dir: Optional[Path] = typer.Option(None, "--out-dir", help="Folder for evaluation.md/.json (default: reports/)."),
    baselines: bool = typer.Option(True, "--baselines/--no-baselines", help="Also run the baselines on the same folds."),
    tuning: bool = typer.Option(True, "--tuning/--no-tuning", help="Also score one-change variants of the model."),
    learning_curve: bool = typer.Option(True, "--learning-curve/--no-learning-curve", help="Also compute the learning curve."),
    random_share: bool = typer.Option(
        False, "--random-share", help="Only score the imported random share (rows with sample=random): grouped-CV "
        "out-of-fold predictions, an unbiased figure on your own speeches; writes random-share.json."),
) -> None:
    """Grouped cross-validation with baselines side by side; writes reports/evaluation.md and .json.

    Example: taxonomy evaluate --data data/labelled
    """
    from . import config
    from .evaluation import run_evaluation

    if random_share:
        _evaluate_random_share(data, out_dir or config.reports_dir())
        return
    try:
        md_path, _ = run_evaluation(
            data, out_dir or config.reports_dir(), baselines=baselines, tuning=tuning,
            learning_curve_points=learning_curve,
            log=lambda msg: typer.echo(msg, err=True),
        )
    except TaxonomyError as exc:
        _fail(exc)
    typer.echo(f"wrote {md_path} and {md_path.with_suffix('.json')}")


def _evaluate_random_share(data: Optional[Path], out_dir: Path) -> None:
    import json

    from .annotate import atomic_write
    from .importing import random_share_scores

    try:
        figures = random_share_scores(data)
        text = json.dumps(figures, ensure_ascii=False, indent=2) + "\n"
        atomic_write(out_dir / "random-share.json", lambda handle: handle.write(text), overwrite=True)
    except TaxonomyError as exc:
        _fail(exc)
    for key in ("n_sentences", "n_sources", "micro_f1", "macro_f1", "problem_detection_f1", "stance_accuracy"):
        value = figures[key]
        typer.echo(f"{key:>22}: {value:.3f}" if isinstance(value, float) else f"{key:>22}: {value}")
    typer.echo(f"wrote {out_dir / 'random-share.json'}")


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
    from .annotate import export_batch, export_format
    from .model import load_model
    from .suggest import suggest as suggest_batch

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
    from . import config
    from .importing import apply_import, plan_import

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


@app.command()
def score(
    gold: Path = typer.Argument(..., help="Hand-labelled CSV with the columns doc, text, labels, stance."),
    docs: Optional[Path] = typer.Option(
        None, "--docs", help="Folder of the speeches named in `doc`: the model splits them itself and its "
        "sentences are aligned to the gold ones. Without it the gold sentences are labelled as they are."),
    model_path: Optional[Path] = ModelOption,
    min_support: int = typer.Option(10, "--min-support", help="Macro F1 over categories with at least this many gold labels."),
    json_out: Optional[Path] = typer.Option(None, "--json", help="Also write the figures as JSON."),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="Write the gold rows with the model's labels beside them."),
    force: bool = ForceOption,
) -> None:
    """Score a model on hand-labelled speeches: detection, micro/macro F1, count ratios, stance.

    Example: taxonomy score my-checked-speeches.csv --docs speeches/ --json score.json
    """
    import json

    from .model import _atomic_write, load_model
    from .output import write_table
    from .scoring import score as score_model

    try:
        figures, table = score_model(load_model(model_path), gold, docs, min_support=min_support)
        if output is not None:
            write_table(table, output, overwrite=force)
        if json_out is not None:
            if json_out.exists() and not force:
                raise TaxonomyError(f"{json_out}: already exists (use --force to replace it)")
            text = json.dumps(figures, ensure_ascii=False, indent=2) + "\n"
            _atomic_write(json_out, lambda handle: handle.write(text))  # never half-written
    except TaxonomyError as exc:
        _fail(exc)
    for line in score_lines(figures):
        typer.echo(line)


def score_lines(figures: dict) -> list[str]:
    """The figures of :func:`taxonomy.scoring.score` as lines of text."""
    ci = figures.get("ci95", {})

    def show(key: str) -> str:
        low_high = ci.get(key)
        value = figures[key]
        return f"{value:.3f}" + (f"  [{low_high[0]:.3f}, {low_high[1]:.3f}]" if low_high else "")

    lines = [f"{figures['documents']} documents, {figures['sentences']} sentences, {figures['gold_labels']} gold labels"]
    for key in ("detect_precision", "detect_recall", "detect_f1", "micro_f1", "macro_f1", "count_ratio",
                "expected_count_ratio", "stance_accuracy"):
        lines.append(f"{key:>22}: {show(key)}")
    lines.append(f"{'category':>22}  gold  pred  precision  recall     f1  count ratio  expected ratio")
    for cat, row in figures["per_category"].items():
        lines.append(
            f"{cat:>22}  {row['gold']:>4}  {row['predicted']:>4}  {row['precision']:>9.2f}  {row['recall']:>6.2f}  "
            f"{row['f1']:>5.2f}  {row['count_ratio']:>11.2f}  {row['expected_count_ratio']:>14.2f}"
        )
    return lines


@data_app.command("check")
def data_check(data: Optional[Path] = DataOption) -> None:
    """Validate every labelled file and print counts per category and stance.

    Example: taxonomy data check --data data/labelled
    """
    from . import config
    from .dataset import check_labelled

    report = check_labelled(data or config.labelled_dir())
    for line in report.summary_lines():
        typer.echo(line)
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
) -> None:
    """Inter-annotator agreement: Cohen's kappa per category, Krippendorff's alpha overall.

    Example: taxonomy data agreement data/reliability/round2_second_pass.csv
    """
    import json

    from . import config
    from .reliability import agreement, agreement_lines

    try:
        result = agreement(data or config.labelled_dir(), second_pass)
    except TaxonomyError as exc:
        _fail(exc)
    for line in agreement_lines(result):
        typer.echo(line)
    if output is not None:
        output.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


@app.command()
def categories() -> None:
    """List the categories: id, 中文名, family and definition.

    Example: taxonomy categories
    """
    from rich.table import Table

    from .categories import load_categories

    view = Table(title="categories")
    for column in ("id", "name_zh", "family", "definition"):
        view.add_column(column, overflow="fold")
    for c in load_categories():
        view.add_row(c.id, c.name_zh, c.family, c.definition)
    _console().print(view)


def main() -> None:  # console-script entry point
    app()
