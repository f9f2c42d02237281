"""The ``taxonomy`` command: a thin layer over the Python API.

Every command catches :class:`~taxonomy.errors.TaxonomyError`, prints its one-line
message and exits with status 2.
"""

from __future__ import annotations

from contextlib import contextmanager
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

def _check_model(value: Optional[Path]) -> Optional[Path]:
    """A ``--model`` that names no file is the user's typo, not a missing training run."""
    if value is not None and not value.is_file():
        _fail(TaxonomyError(f"{value}: no model file at this path (check --model)"))
    return value


ModelOption = typer.Option(
    None, "--model", "-m", callback=_check_model,
    help="Model file (default: the project's models/taxonomy-default.skops if present, else the packaged model).")
ForceOption = typer.Option(False, "--force", "-f", help="Replace the output file if it exists.")
DataOption = typer.Option(None, "--data", "-d", help="Folder of labelled CSV files (default: data/labelled).")
MaxFileOption = typer.Option(None, "--max-file-mb", help="Largest speech file to read, in MB (default 200, or $TAXONOMY_MAX_FILE_MB).")
MaxSentenceOption = typer.Option(
    None, "--max-sentence-chars",
    help="Longest sentence; a longer run without a sentence end is cut at a clause mark (default 1000, or $TAXONOMY_MAX_SENTENCE_CHARS).",
)
PROGRESS_FROM = 5


def _limits(max_file_mb: Optional[float], max_sentence_chars: Optional[int]):
    """The reading limits: the defaults, the environment, then these options."""
    from dataclasses import replace

    from .limits import MB, Limits

    limits = Limits.from_env()
    if max_file_mb is not None:
        limits = replace(limits, max_file_bytes=int(max_file_mb * MB))
    if max_sentence_chars is not None:
        limits = replace(limits, max_sentence_chars=max_sentence_chars)
    return limits


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
        transient=True, disable=total <= PROGRESS_FROM, console=Console(stderr=True, soft_wrap=True),
    )


SKIPPED_EXIT = 3


@contextmanager
def _stages():
    """A spinner on stderr naming the stage a long command is in; yields the function that sets it."""
    from rich.console import Console
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    with Progress(SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(),
                  console=Console(stderr=True), transient=False) as progress:
        task = None

        def stage(name: str) -> None:
            nonlocal task
            if task is not None:
                progress.update(task, completed=1, total=1)
            task = progress.add_task(name, total=None)

        yield stage
        if task is not None:
            progress.update(task, completed=1, total=1)


@app.command()
def label(
    paths: list[Path] = typer.Argument(..., help="Speech files (.txt .docx .pdf .html) or folders."),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="Write to .csv, .xlsx, .jsonl or .parquet."),
    model_path: Optional[Path] = ModelOption,
    force: bool = ForceOption,
    jobs: int = typer.Option(1, "--jobs", "-j", help="Worker processes for many files: 1 to the number of cores, -1 = all cores."),
    strict: bool = typer.Option(False, "--strict", help="Stop at the first unreadable file (default: report it, skip it, go on)."),
    only_labelled: bool = typer.Option(False, "--only-labelled", help="Keep only sentences with a label."),
    category: list[str] = typer.Option([], "--category", "-c", help="Keep only sentences with this category id (repeatable)."),
    chinese_header: bool = typer.Option(False, "--chinese-header", help="Chinese column labels in .xlsx output."),
    max_file_mb: Optional[float] = MaxFileOption,
    max_sentence_chars: Optional[int] = MaxSentenceOption,
    dask: Optional[str] = typer.Option(
        None, "--dask", metavar="ADDRESS",
        help="Label on a Dask cluster (scheduler address such as tcp://10.0.0.5:8786, or 'local' to start one here); "
             "-o names a folder that receives Parquet parts."),
) -> None:
    """Label every sentence of the speeches: one row per sentence.

    Columns: doc, sentence_id, start, end, text, labels, labels_zh (Chinese names),
    stance, check (close to a threshold: worth a look), then p_<id> for every
    category. Without -o a table that fits the terminal is printed. An unreadable
    file is reported on stderr and skipped; the exit status is then 3 (0 when every
    file was labelled, 2 on an error that stops the run or when no file was readable).

    Example: taxonomy label data/raw/000_a0a5117793308a47.txt -o out/labels.xlsx --only-labelled
    Example: taxonomy label corpus/ --dask tcp://scheduler:8786 -o out/labels/
    """
    from .fastlabel import fast_model, resolve_jobs
    from .readable import check_categories, filter_labels
    from .reading import expand_paths

    skipped = []

    def report(part) -> None:
        progress.advance(task)
        if part.error is not None:
            skipped.append(part.path)
            progress.console.print(f"skipped: {part.error}", markup=False, highlight=False)

    try:
        if dask is not None:
            if jobs != 1 or chinese_header:
                raise TaxonomyError("--dask spreads the work over the cluster's workers and writes Parquet: "
                                    "--jobs and --chinese-header do not apply")
            return _label_dask(paths, output, dask, model_path=model_path, overwrite=force, strict=strict,
                               only_labelled=only_labelled, categories=category)
        resolve_jobs(jobs)
        limits = _limits(max_file_mb, max_sentence_chars)
        files = expand_paths(paths)
        if not files:
            raise TaxonomyError(f"{', '.join(map(str, paths))}: no supported speech files found")
        model = fast_model(model_path)  # the inference bundle: no scikit-learn on this path
        if model is not None:
            from .fastlabel import label_stream, label_to_file
        else:
            from .labelling import label_stream, label_to_file
            from .model import load_model

            model = load_model(model_path)
        check_categories(category, model.categories)
        with _progress(len(files)) as progress:
            task = progress.add_task("labelling", total=len(files))
            if output is not None:
                with _warnings_to_stderr():
                    run = label_to_file(model, files, output, overwrite=force, jobs=jobs, strict=strict,
                                        on_document=report, only_labelled=only_labelled, categories=category,
                                        chinese_header=chinese_header, limits=limits)
                typer.echo(f"wrote {run.sentences} sentences from {run.documents} file(s) to {output}", err=True)
            else:
                for part in label_stream(model, files, jobs=jobs, strict=strict, on_document=report, limits=limits):
                    if part.table is not None:
                        table = part.table.to_frame() if hasattr(part.table, "to_frame") else part.table
                        _print_labels(filter_labels(table, only_labelled=only_labelled, categories=category))
    except TaxonomyError as exc:
        _fail(exc)
    if skipped:
        typer.echo(f"{len(skipped)} of {len(files)} file(s) skipped", err=True)
        raise typer.Exit(SKIPPED_EXIT if len(skipped) < len(files) else 2)


def _label_dask(paths, output, address: str, **options) -> None:
    """``taxonomy label --dask``: label on a Dask cluster into a folder of Parquet parts."""
    from .dasklabel import label_dask_at

    if output is None:
        raise TaxonomyError("--dask writes Parquet parts: give the output folder with -o")
    run = label_dask_at(paths, output, address, **options)
    for path, error in run.skipped:
        typer.echo(f"skipped: {error}", err=True)
    typer.echo(f"wrote {run.sentences} sentences from {run.documents} file(s) to {output}/ ({run.partitions} parts)", err=True)
    if run.skipped:
        raise typer.Exit(SKIPPED_EXIT)


def _print_labels(table) -> None:
    from .readable import terminal_table

    if not table.empty:
        console = _console()
        console.print(terminal_table(table, title=str(table["doc"].iloc[0]), width=console.width))


class _warnings_to_stderr:
    """Print the library's spreadsheet warnings as `warning: …` lines on stderr."""

    def __enter__(self):
        import warnings

        self._catch = warnings.catch_warnings(record=True)
        self._seen = self._catch.__enter__()
        warnings.simplefilter("always")

    def __exit__(self, *exc):
        self._catch.__exit__(*exc)
        for item in self._seen:
            typer.echo(f"warning: {item.message}", err=True)
        return False


def _text_or_file(text: str) -> str:
    """``text`` itself, or the speech in the file it names (a missing file is an error, not a sentence)."""
    from .reading import SUPPORTED_SUFFIXES, read_document

    source = Path(text)
    if len(text) < 4096 and "\n" not in text:
        if source.is_file():
            return read_document(source)
        if source.suffix.lower() in SUPPORTED_SUFFIXES:
            raise TaxonomyError(f"{text}: no such file")
    return text


@app.command()
def explain(
    text: str = typer.Argument(..., help="A sentence or passage, or the path of a speech file."),
    model_path: Optional[Path] = ModelOption,
    top: int = typer.Option(12, "--top", "-n", help="Features weighed per label before they are mapped to words."),
) -> None:
    """Show each labelled sentence with the words that drove its labels (in bold) and their weights.

    Context features (the previous or next sentence, the section heading) are listed
    as context. Function words (不, 的, 不能 …) are never given as reasons.

    Example: taxonomy explain "有的干部遇到矛盾绕道走，碰到问题向上推。"
    """
    from .explaining import explain_sentences, terminal_lines
    from .model import load_model

    try:
        raw = _text_or_file(text)
        model = load_model(model_path)
        explanations = explain_sentences(model, raw, top=top)
    except TaxonomyError as exc:
        _fail(exc)
    if not explanations:
        typer.echo("no sentence got a label")
        return
    console = _console()
    for line in terminal_lines(explanations):
        console.print(line)


@app.command()
def report(
    paths: list[Path] = typer.Argument(..., help="Speech files (.txt .docx .pdf .html) or folders."),
    output: Path = typer.Option(..., "--output", "-o", help="The report: .html (one self-contained page) or .xlsx."),
    model_path: Optional[Path] = ModelOption,
    force: bool = ForceOption,
) -> None:
    """A report a colleague can read: each speech with its labelled sentences highlighted.

    .html: one page with no external assets (open it in any browser); .xlsx: a summary
    sheet with a chart, then a formatted sheet per speech.

    Example: taxonomy report data/raw -o report.html
    """
    from .htmlreport import write_report
    from .model import load_model

    try:
        with _warnings_to_stderr():
            write_report(load_model(model_path), paths, output, overwrite=force)
    except TaxonomyError as exc:
        _fail(exc)
    typer.echo(f"wrote {output}", err=True)


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
    from .frequency import frequency_table
    from .metadata import speech_metadata
    from .model import load_model
    from .output import write_table

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


@app.command()
def train(
    data: Optional[Path] = DataOption,
    out: Optional[Path] = typer.Option(None, "--out", "-o", help="Model file to write (default: the default model)."),
    cv: bool = typer.Option(True, "--cv/--no-cv", help="Print cross-validated scores grouped by source."),
    force: bool = ForceOption,
    jobs: int = typer.Option(-1, "--jobs", "-j", help="Worker processes for the fits: 1 to the number of cores, "
                             "-1 = all cores (the model is the same)."),
) -> None:
    """Train the model on the labelled data and write it with its metadata (.json).

    Without --out it writes the default model: $TAXONOMY_HOME/models/ when that is set,
    the packaged model in a source checkout, else models/ in the current folder.

    Example: taxonomy train --out models/my-model.skops --force
    """
    from . import config
    from .training import train as train_model

    target = out or config.train_model_path()
    try:
        with _stages() as stage:
            model, scores = train_model(data, target, cv=cv, overwrite=force, progress=stage, jobs=jobs)
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
        with _stages() as stage:
            md_path, _ = run_evaluation(
                data, out_dir or config.reports_dir(), baselines=baselines, tuning=tuning,
                learning_curve_points=learning_curve, log=stage,
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

    from .atomic import write_atomic
    from .model import load_model
    from .output import write_table
    from .scoring import score as score_model

    try:
        figures, table = score_model(load_model(model_path), gold, docs, min_support=min_support)
        if output is not None:
            write_table(table, output, overwrite=force)
        if json_out is not None:
            write_atomic(json_out, json.dumps(figures, ensure_ascii=False, indent=2) + "\n", overwrite=force)
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

    from . import config
    from .atomic import write_atomic
    from .reliability import agreement, agreement_lines

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

    from .categories import load_categories

    view = Table(title="categories")
    for column in ("id", "name_zh", "family", "definition"):
        view.add_column(column, overflow="fold")
    for c in load_categories():
        view.add_row(c.id, c.name_zh, c.family, c.definition)
    _console().print(view)


def _terminate(signum, frame) -> None:
    """SIGTERM ends the run like Ctrl-C: temporary files are removed on the way out."""
    raise SystemExit(128 + signum)


def main() -> None:  # console-script entry point
    import signal

    signal.signal(signal.SIGTERM, _terminate)
    app()
