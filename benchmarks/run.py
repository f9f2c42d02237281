"""Speed benchmark on distinct sentences: every figure with its ratio to the naive pipeline of the same run.

    python benchmarks/run.py                       # 200,000 sentences, one round (about 5 minutes on 2 cores)
    python benchmarks/run.py --rounds 3 --train    # three interleaved rounds (medians), and training
    python benchmarks/run.py --sentences 1000000   # full size
    python benchmarks/run.py --big-file-mb 100     # also one 100 MB speech file

The corpus (:mod:`benchmarks.corpus`) is made of distinct sentences recombined from
clauses of the labelled set: no sentence repeats and none is a labelled one, so no cache
or memo is flattered. On the same files, interleaved round by round, it runs

* references: bare jieba segmentation of the text; a naive single-process jieba +
  TF-IDF + LogisticRegression pipeline (files in, CSV out); fastText end to end;
* ours: ``taxonomy label DIR -o out.csv`` with the inference bundle, ``--jobs 1`` and
  ``--jobs 2``; the same through the scikit-learn pipeline (the model without its
  bundle); and ``taxonomy label --dask local`` (a LocalCluster of one worker per core);
* cold start: process start to CSV written for one speech, ours with and without the
  bundle and the naive pipeline (median of five interleaved runs);
* optionally (``--big-file-mb``) one single speech file of that size, and (``--train``)
  ``taxonomy train --no-cv`` on the full labelled set.

Wall time, CPU time (the process tree's user + system) and peak resident memory of the
process tree are recorded; ratios are to the naive pipeline of the same round. The
machines are shared and noisy: compare ratios within one run, not seconds across runs.
Results go to ``benchmarks/out/results.json`` and ``results.md``.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.corpus import write_corpus  # noqa: E402
from benchmarks.measure import REFERENCE, PeakMemory  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
TARGETS = {"throughput x naive, --jobs 2": 4.0, "cold start s": 1.0, "cold start x naive": 0.4,
           "peak MB, 1M sentences": 1024, "peak MB, 100 MB file": 1024, "training s": 30.0}


def timed(args: list[str], env: dict) -> dict:
    """Run a command; wall and CPU seconds and peak memory (MB) of its process tree."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    process = subprocess.Popen(args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    with PeakMemory(process.pid) as memory:
        _, err = process.communicate()
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if process.returncode not in (0, 3):
        raise RuntimeError(f"{' '.join(args)} failed: {err.strip()[-800:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {"wall_s": round(wall, 2), "cpu_s": round(cpu, 2), "peak_mb": round(memory.peak / 2**20, 1)}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sentences", type=int, default=200_000)
    parser.add_argument("--per-file", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=1, help="interleaved rounds of the throughput runs")
    parser.add_argument("--big-file-mb", type=float, default=0, help="also label one speech file of this size")
    parser.add_argument("--train", action="store_true", help="also time taxonomy train --no-cv")
    parser.add_argument("--skip-fasttext", action="store_true")
    parser.add_argument("--skip-pipeline", action="store_true", help="skip ours through scikit-learn (slow)")
    parser.add_argument("--skip-dask", action="store_true")
    parser.add_argument("--model", type=Path, default=None, help="model with its bundle (default: the default model)")
    parser.add_argument("--out", type=Path, default=REPO / "benchmarks" / "out")
    args = parser.parse_args(argv)

    from taxonomy import config
    from taxonomy.bundle import bundle_path

    model = (args.model or config.default_model_path()).resolve()
    if not bundle_path(model).is_file():
        raise SystemExit(f"{model}: no inference bundle beside it (train it with this version)")
    args.out.mkdir(parents=True, exist_ok=True)
    python = sys.executable
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    ours = [python, "-m", "taxonomy", "label"]
    r: dict = {"cpu_count": os.cpu_count(), "model": model.name, "runs": {}, "rounds": args.rounds}
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        corpus = tmp / "corpus"
        n, files = write_corpus(corpus, args.sentences, per_file=args.per_file)
        r.update(sentences_written=n, files=files, corpus_mb=round(sum(f.stat().st_size for f in corpus.iterdir()) / 2**20, 1))
        plain = tmp / "plain" / model.name  # the same model without its bundle: the scikit-learn pipeline
        plain.parent.mkdir()
        shutil.copy(model, plain)
        shutil.copy(config_json(model), config_json(plain))
        script = tmp / "reference.py"
        script.write_text(REFERENCE, encoding="utf-8")
        naive_model = tmp / "naive.joblib"
        print("training the naive reference", flush=True)
        r["train naive"] = timed([python, str(script), "train-naive", str(corpus), str(naive_model), str(REPO)], env)
        if args.train:
            print("training ours", flush=True)
            r["train ours"] = timed([python, "-m", "taxonomy", "train", "--no-cv", "--force", "--out", str(tmp / "t.skops")], env)

        runs = {
            "bare jieba segmentation": lambda o: [python, str(script), "jieba", str(corpus), "-"],
            "naive jieba + TF-IDF + LR": lambda o: [python, str(script), "naive", str(corpus), str(o), str(naive_model)],
            "ours --jobs 1": lambda o: ours + [str(corpus), "-m", str(model), "-o", str(o), "--jobs", "1"],
            "ours --jobs 2": lambda o: ours + [str(corpus), "-m", str(model), "-o", str(o), "--jobs", "2"],
        }
        if not args.skip_fasttext:
            runs["fastText end to end"] = lambda o: [python, str(script), "fasttext", str(corpus), str(o), str(REPO)]
        if not args.skip_pipeline:
            runs["ours through scikit-learn --jobs 2"] = lambda o: ours + [str(corpus), "-m", str(plain), "-o", str(o), "--jobs", "2"]
        if not args.skip_dask:
            runs["ours --dask local (2 workers)"] = lambda o: ours + [str(corpus), "-m", str(model), "-o", str(o).replace(".csv", ""), "--dask", "local"]
        for round_ in range(args.rounds):
            for name, command in runs.items():
                print(f"round {round_ + 1}: {name}", flush=True)
                out = tmp / f"out-{round_}-{len(r['runs'].get(name, []))}-{abs(hash(name))}.csv"
                r["runs"].setdefault(name, []).append(timed(command(out), env))
                if name == "ours --jobs 1" and round_ == 0:
                    r["sentences"] = sum(1 for _ in open(out, encoding="utf-8-sig")) - 1
                if out.exists():
                    out.unlink()
                shutil.rmtree(str(out).replace(".csv", ""), ignore_errors=True)

        one = REPO / "data" / "raw" / "000_a0a5117793308a47.txt"
        one_dir = tmp / "one"
        one_dir.mkdir()
        shutil.copy(one, one_dir)
        colds: dict[str, list[float]] = {"ours": [], "ours through scikit-learn": [], "naive": []}
        for _ in range(5):
            colds["ours"].append(timed(ours + [str(one), "-m", str(model), "-o", str(tmp / "c.csv"), "--force"], env)["wall_s"])
            colds["ours through scikit-learn"].append(timed(ours + [str(one), "-m", str(plain), "-o", str(tmp / "c.csv"), "--force"], env)["wall_s"])
            colds["naive"].append(timed([python, str(script), "naive", str(one_dir), str(tmp / "n.csv"), str(naive_model)], env)["wall_s"])
        r["cold_start_s"] = {k: round(statistics.median(v), 2) for k, v in colds.items()}
        r["cold_start_s"]["runs"] = colds

        if args.big_file_mb:
            big = tmp / "big"
            sentences = int(args.big_file_mb * 2**20 / (r["corpus_mb"] * 2**20 / n))
            write_corpus(big, sentences, per_file=None, seed=1)
            size = (big / "speech_000000.txt").stat().st_size / 2**20
            print(f"one file of {size:.0f} MB", flush=True)
            result = timed(ours + [str(big), "-m", str(model), "-o", str(tmp / "big.csv")], env)
            rows = sum(1 for _ in open(tmp / "big.csv", encoding="utf-8-sig")) - 1
            r["big file"] = {**result, "mb": round(size, 1), "sentences": rows}
    summarise(r)
    (args.out / "results.json").write_text(json.dumps(r, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    (args.out / "results.md").write_text(render(r), encoding="utf-8")
    print(render(r))
    return 0


def config_json(model: Path) -> Path:
    return model.with_suffix(".json")


def summarise(r: dict) -> None:
    """Medians per run and, per round, ratios to the naive pipeline of that round."""
    naive = r["runs"]["naive jieba + TF-IDF + LR"]
    r["summary"] = {}
    for name, runs in r["runs"].items():
        wall = statistics.median(x["wall_s"] for x in runs)
        r["summary"][name] = {
            "wall_s": wall, "cpu_s": statistics.median(x["cpu_s"] for x in runs),
            "peak_mb": max(x["peak_mb"] for x in runs), "sentences_per_s": round(r["sentences"] / wall),
            "x naive (wall)": round(statistics.median(b["wall_s"] / a["wall_s"] for a, b in zip(runs, naive)), 2),
            "x naive (cpu)": round(statistics.median(b["cpu_s"] / max(a["cpu_s"], 1e-9) for a, b in zip(runs, naive)), 2),
        }


def render(r: dict) -> str:
    s, cold = r["summary"], r["cold_start_s"]
    lines = [f"Corpus: {r['sentences']:,} distinct sentences (as labelled) in {r['files']:,} files ({r['corpus_mb']} MB), "
             f"{r['cpu_count']} cores, {r['rounds']} round(s); ratios to the naive pipeline of the same round.", "",
             "| run, files in → output | wall s | CPU s | sentences/s | × naive (wall) | × naive (CPU) | peak MB |",
             "|---|---|---|---|---|---|---|"]
    for name, v in s.items():
        lines.append(f"| {name} | {v['wall_s']} | {v['cpu_s']} | {v['sentences_per_s']:,} | {v['x naive (wall)']} | "
                     f"{v['x naive (cpu)']} | {v['peak_mb']} |")
    ours2 = s["ours --jobs 2"]
    rows = [("label throughput, --jobs 2", f"{ours2['x naive (wall)']}× naive", "≥ 4× (≥ 3× at least)",
             ours2["x naive (wall)"] >= TARGETS["throughput x naive, --jobs 2"]),
            ("cold start, one speech", f"{cold['ours']} s ({round(cold['ours'] / cold['naive'], 2)}× naive {cold['naive']} s; "
             f"through scikit-learn {cold['ours through scikit-learn']} s)", "≤ 1.0 s and ≤ 0.4× naive",
             cold["ours"] <= TARGETS["cold start s"] and cold["ours"] / cold["naive"] <= TARGETS["cold start x naive"]),
            (f"peak memory, {r['sentences']:,} sentences, --jobs 2", f"{ours2['peak_mb']} MB", "< 1 GB (1M sentences)",
             ours2["peak_mb"] < TARGETS["peak MB, 1M sentences"])]
    if "big file" in r:
        big = r["big file"]
        rows.append((f"one {big['mb']} MB file ({big['sentences']:,} sentences)", f"{big['peak_mb']} MB, {big['wall_s']} s",
                     "< 1 GB", big["peak_mb"] < TARGETS["peak MB, 100 MB file"]))
    if "train ours" in r:
        rows.append(("training, full labelled set", f"{r['train ours']['wall_s']} s (naive {r['train naive']['wall_s']} s)",
                     "≤ 30 s", r["train ours"]["wall_s"] <= TARGETS["training s"]))
    lines += ["", "| target | measured | target | met |", "|---|---|---|---|"]
    lines += [f"| {a} | {b} | {c} | {'yes' if d else 'no'} |" for a, b, c, d in rows]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    raise SystemExit(main())
