"""Commands that train and measure the model: ``train``, ``evaluate``, ``score``."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from ..errors import TaxonomyError
from ._common import app, ModelOption, ForceOption, DataOption, _fail, _stages


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
    from .. import config
    from ..training import train as train_model

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
    jobs: int = typer.Option(-1, "--jobs", "-j", help="Worker processes for the fits: 1 to the number of cores, "
                             "-1 = all cores (the figures are the same)."),
) -> None:
    """Grouped cross-validation with baselines side by side; writes reports/evaluation.md and .json.

    Example: taxonomy evaluate --data data/labelled
    """
    from .. import config
    from ..evaluation import run_evaluation

    if random_share:
        _evaluate_random_share(data, out_dir or config.reports_dir())
        return
    try:
        with _stages() as stage:
            md_path, _ = run_evaluation(
                data, out_dir or config.reports_dir(), baselines=baselines, tuning=tuning,
                learning_curve_points=learning_curve, log=stage, jobs=jobs,
            )
    except TaxonomyError as exc:
        _fail(exc)
    typer.echo(f"wrote {md_path} and {md_path.with_suffix('.json')}")


def _evaluate_random_share(data: Optional[Path], out_dir: Path) -> None:
    import json

    from ..annotate import atomic_write
    from ..importing import random_share_scores

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

    from ..atomic import write_atomic
    from ..model import load_model
    from ..output import write_table
    from ..scoring import score as score_model

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
