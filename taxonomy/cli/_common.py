"""What the commands share: the Typer app, common options, errors, progress and warnings."""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from typing import Optional

import typer

from ..errors import TaxonomyError

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

    from ..limits import MB, Limits

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
