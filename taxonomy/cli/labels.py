"""Commands that label speeches and show why: ``label``, ``explain``, ``report``."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from ..errors import TaxonomyError
from ._common import (
    app, ModelOption, ForceOption, MaxFileOption, MaxSentenceOption, _limits, _fail, _console,
    _progress, SKIPPED_EXIT, _warnings_to_stderr,
)


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
    from ..fastlabel import fast_model, resolve_jobs
    from ..readable import check_categories, filter_labels
    from ..reading import expand_paths

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
            from ..fastlabel import label_stream, label_to_file
        else:
            from ..labelling import label_stream, label_to_file
            from ..model import load_model

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
    from ..dasklabel import label_dask_at

    if output is None:
        raise TaxonomyError("--dask writes Parquet parts: give the output folder with -o")
    run = label_dask_at(paths, output, address, **options)
    for path, error in run.skipped:
        typer.echo(f"skipped: {error}", err=True)
    typer.echo(f"wrote {run.sentences} sentences from {run.documents} file(s) to {output}/ ({run.partitions} parts)", err=True)
    if run.skipped:
        raise typer.Exit(SKIPPED_EXIT)


def _print_labels(table) -> None:
    from ..readable import terminal_table

    if not table.empty:
        console = _console()
        console.print(terminal_table(table, title=str(table["doc"].iloc[0]), width=console.width))


def _text_or_file(text: str) -> str:
    """``text`` itself, or the speech in the file it names (a missing file is an error, not a sentence)."""
    from ..reading import SUPPORTED_SUFFIXES, read_document

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
    from ..explaining import explain_sentences, terminal_lines
    from ..model import load_model

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
    from ..htmlreport import write_report
    from ..model import load_model

    try:
        with _warnings_to_stderr():
            write_report(load_model(model_path), paths, output, overwrite=force)
    except TaxonomyError as exc:
        _fail(exc)
    typer.echo(f"wrote {output}", err=True)
