"""Speed and size benchmark: one command, every figure with the ratio to its reference.

    python benchmarks/run.py                    # 1,000,000 sentences (about 20 minutes)
    python benchmarks/run.py --sentences 50000  # a quick look

Builds a synthetic corpus from the labelled set (whole passages and speeches,
shuffled with a fixed seed, written as speech files), then measures in the same run:

* ``taxonomy label`` end to end (files in, CSV out): sentences/s and peak memory of
  the whole process tree;
* references on the same files: bare jieba segmentation of the text; a naive
  single-process jieba + TF-IDF + LogisticRegression pipeline (files in, CSV out);
  fastText supervised end to end on the same segmentation;
* training time on the full labelled set (ours vs the naive pipeline);
* cold start: process start to output written, one speech (ours vs the naive one);
* model file size (ours vs the naive one).

Results go to ``benchmarks/out/results.json`` and ``benchmarks/out/results.md``.
The machines are shared and noisy: compare ratios within one run, not seconds
across runs. The synthetic corpus repeats the labelled sentences, which flatters
any cache; ``--no-cache`` runs ours with the segmentation cache off as well.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

REPO = Path(__file__).resolve().parent.parent
TARGETS = {
    "throughput_ratio": 3.0,
    "peak_memory_mb": 2048,
    "cold_start_s": 1.5,
    "training_s": 30.0,
    "model_mb": 50.0,
}


def build_corpus(directory: Path, n_sentences: int, per_file: int, seed: int = 0) -> tuple[int, int]:
    """Write speech files of about ``per_file`` sentences until ``n_sentences`` are written."""
    sys.path.insert(0, str(REPO))
    from taxonomy.dataset import read_labelled
    from taxonomy.split import is_heading

    rows = read_labelled(REPO / "data" / "labelled")
    sources: dict[str, list[str]] = {}
    for row in rows:
        sources.setdefault(row.source, []).append(row.text)
    passages = list(sources.values())
    rng = random.Random(seed)
    directory.mkdir(parents=True, exist_ok=True)
    written, files = 0, 0
    order: list[list[str]] = []
    while written < n_sentences:
        lines: list[str] = []
        count = 0
        while count < per_file and written + count < n_sentences:
            if not order:
                order = passages[:]
                rng.shuffle(order)
            passage = order.pop()[: per_file - count]
            paragraph: list[str] = []
            for sentence in passage[: n_sentences - written - count]:
                if is_heading(sentence) and paragraph:
                    lines.append("".join(paragraph))
                    paragraph = []
                paragraph.append(sentence)
                count += 1
            lines.append("".join(paragraph))
        (directory / f"speech_{files:06d}.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
        written += count
        files += 1
    return written, files


class PeakMemory:
    """Poll the resident memory of a process tree (parent plus workers)."""

    def __init__(self, pid: int, interval: float = 0.1):
        self.pid, self.interval, self.peak = pid, interval, 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        try:
            root = psutil.Process(self.pid)
        except psutil.NoSuchProcess:
            return
        while not self._stop.is_set():
            try:
                procs = [root] + root.children(recursive=True)
                self.peak = max(self.peak, sum(p.memory_info().rss for p in procs if p.is_running()))
            except psutil.NoSuchProcess:
                pass
            time.sleep(self.interval)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()


def timed_run(args: list[str], env=None) -> tuple[float, int]:
    """Run a command; return wall seconds and the peak memory (bytes) of its process tree."""
    start = time.perf_counter()
    process = subprocess.Popen(args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    with PeakMemory(process.pid) as memory:
        _, err = process.communicate()
    if process.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed: {err.strip()[-500:]}")
    return time.perf_counter() - start, memory.peak


# ---------------------------------------------------------------- references (run as subprocesses)

REFERENCE = r'''
import csv, re, sys, time, pathlib
mode, corpus, out = sys.argv[1], pathlib.Path(sys.argv[2]), sys.argv[3]
UNIT = re.compile(r"[^\n。！？；!?;]*(?:[。！？；!?;]+[”’）)】》]*|(?=\n)|$)")
def sentences(text):
    return [m.group().strip() for m in UNIT.finditer(text) if m.group().strip()]
def tokenize(text):
    import jieba
    return jieba.lcut(text)
files = sorted(corpus.glob("*.txt"))
if mode == "jieba":
    import jieba
    jieba.setLogLevel(60)
    n = 0
    for f in files:
        text = f.read_text(encoding="utf-8")
        list(jieba.cut(text))
        n += len(sentences(text))
elif mode == "train-naive":
    import joblib, jieba
    jieba.setLogLevel(60)
    sys.path.insert(0, sys.argv[4])
    from taxonomy.training import load_training_data
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.multiclass import OneVsRestClassifier
    from sklearn.pipeline import make_pipeline
    data = load_training_data(sys.argv[4] + "/data/labelled")
    model = make_pipeline(TfidfVectorizer(tokenizer=tokenize, token_pattern=None, lowercase=False),
                          OneVsRestClassifier(LogisticRegression(max_iter=1000)))
    model.fit(data.X["text"], data.Y.to_numpy())
    joblib.dump((model, list(data.Y.columns)), out)
elif mode == "naive":
    import joblib, jieba
    jieba.setLogLevel(60)
    model, cats = joblib.load(sys.argv[4])
    with open(out, "w", encoding="utf-8-sig", newline="") as h:
        w = csv.writer(h)
        w.writerow(["doc", "sentence_id", "text", "labels"] + [f"p_{c}" for c in cats])
        for f in files:
            sents = sentences(f.read_text(encoding="utf-8"))
            if not sents:
                continue
            proba = model.predict_proba(sents)
            for i, (s, p) in enumerate(zip(sents, proba)):
                w.writerow([f.name, i, s, "|".join(c for c, q in zip(cats, p) if q >= 0.5)] + [round(float(q), 4) for q in p])
elif mode == "fasttext":
    import fasttext, jieba
    jieba.setLogLevel(60)
    sys.path.insert(0, sys.argv[4])
    from taxonomy.training import load_training_data
    data = load_training_data(sys.argv[4] + "/data/labelled")
    cats = list(data.Y.columns)
    train = out + ".train.txt"
    with open(train, "w", encoding="utf-8") as h:
        for text, row in zip(data.X["text"], data.Y.to_numpy()):
            tags = " ".join(f"__label__{c}" for c, y in zip(cats, row) if y) or "__label__none"
            h.write(tags + " " + " ".join(jieba.cut(text)) + "\n")
    model = fasttext.train_supervised(input=train, loss="ova", epoch=30, lr=0.5, wordNgrams=2, dim=50, thread=1, seed=0, verbose=0)
    with open(out, "w", encoding="utf-8-sig", newline="") as h:
        w = csv.writer(h)
        w.writerow(["doc", "sentence_id", "text", "labels"])
        for f in files:
            for i, s in enumerate(sentences(f.read_text(encoding="utf-8"))):
                # the binding's per-line predict: fasttext-wheel's Python wrapper is broken under NumPy 2
                pred = model.f.predict(" ".join(jieba.cut(s)) + "\n", -1, 0.5, "strict")
                w.writerow([f.name, i, s, "|".join(l[9:] for _, l in pred if l != "__label__none")])
'''


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sentences", type=int, default=1_000_000)
    parser.add_argument("--per-file", type=int, default=200)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--out", type=Path, default=REPO / "benchmarks" / "out")
    parser.add_argument("--no-cache", action="store_true", help="also run ours with the segmentation cache off")
    parser.add_argument("--skip-fasttext", action="store_true")
    args = parser.parse_args(argv)

    args.out.mkdir(parents=True, exist_ok=True)
    python = sys.executable
    taxonomy = [python, "-m", "taxonomy"]
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    results: dict = {"sentences_requested": args.sentences, "jobs": args.jobs, "cpu_count": os.cpu_count()}
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        corpus = tmp / "corpus"
        n, files = build_corpus(corpus, args.sentences, args.per_file)
        results.update(sentences=n, files=files, corpus_mb=round(sum(f.stat().st_size for f in corpus.iterdir()) / 2**20, 1))
        print(f"corpus: {n} sentences in {files} files", flush=True)
        script = tmp / "reference.py"
        script.write_text(REFERENCE, encoding="utf-8")

        def bench(name, command, sentences=n):
            print(f"running: {name}", flush=True)
            seconds, peak = timed_run(command, env=env)
            results[name] = {"seconds": round(seconds, 2), "peak_memory_mb": round(peak / 2**20, 1),
                             "sentences_per_s": round(sentences / seconds, 1)}
            return results[name]

        naive_model = tmp / "naive.joblib"
        bench("train: naive", [python, str(script), "train-naive", str(corpus), str(naive_model), str(REPO)])
        bench("train: ours", taxonomy + ["train", "--no-cv", "--force", "--out", str(tmp / "ours.skops")])
        results["model_mb"] = {"ours": round((REPO / "models" / "taxonomy-default.skops").stat().st_size / 2**20, 2),
                               "naive": round(naive_model.stat().st_size / 2**20, 2)}
        one = REPO / "data" / "raw" / "000_a0a5117793308a47.txt"
        one_dir = tmp / "one"
        one_dir.mkdir()
        (one_dir / one.name).write_bytes(one.read_bytes())
        colds = {"ours": [], "naive": []}
        for _ in range(3):
            colds["ours"].append(timed_run(taxonomy + ["label", str(one), "-o", str(tmp / "one.csv"), "--force"], env=env)[0])
            colds["naive"].append(timed_run([python, str(script), "naive", str(one_dir), str(tmp / "one_naive.csv"), str(naive_model)], env=env)[0])
        results["cold_start_s"] = {k: round(statistics.median(v), 2) for k, v in colds.items()}

        bench("bare jieba segmentation", [python, str(script), "jieba", str(corpus), "-"])
        bench("naive jieba + TF-IDF + LR", [python, str(script), "naive", str(corpus), str(tmp / "naive.csv"), str(naive_model)])
        if not args.skip_fasttext:
            bench("fastText end to end", [python, str(script), "fasttext", str(corpus), str(tmp / "fasttext.csv"), str(REPO)])
        bench("ours: taxonomy label", taxonomy + ["label", str(corpus), "-o", str(tmp / "ours.csv"), "--jobs", str(args.jobs)])
        if args.no_cache:
            env_nc = {**env, "TAXONOMY_SEGMENT_CACHE": "0"}
            print("running: ours, no segmentation cache", flush=True)
            seconds, peak = timed_run(taxonomy + ["label", str(corpus), "-o", str(tmp / "ours2.csv"), "--jobs", str(args.jobs)], env=env_nc)
            results["ours, no segmentation cache"] = {"seconds": round(seconds, 2), "peak_memory_mb": round(peak / 2**20, 1),
                                                      "sentences_per_s": round(n / seconds, 1)}
        results["ours_rows"] = sum(1 for _ in open(tmp / "ours.csv", encoding="utf-8-sig")) - 1

    ours = results["ours: taxonomy label"]
    naive = results["naive jieba + TF-IDF + LR"]
    results["ratios"] = {
        "throughput vs naive": round(ours["sentences_per_s"] / naive["sentences_per_s"], 2),
        "throughput vs bare jieba": round(ours["sentences_per_s"] / results["bare jieba segmentation"]["sentences_per_s"], 2),
        "peak memory vs naive": round(ours["peak_memory_mb"] / naive["peak_memory_mb"], 2),
        "training time vs naive": round(results["train: ours"]["seconds"] / results["train: naive"]["seconds"], 2),
        "cold start vs naive": round(results["cold_start_s"]["ours"] / results["cold_start_s"]["naive"], 2),
        "model size vs naive": round(results["model_mb"]["ours"] / results["model_mb"]["naive"], 2),
    }
    if "fastText end to end" in results:
        results["ratios"]["throughput vs fastText"] = round(ours["sentences_per_s"] / results["fastText end to end"]["sentences_per_s"], 2)
    results["targets"] = {
        "label throughput >= 3x naive": results["ratios"]["throughput vs naive"] >= TARGETS["throughput_ratio"],
        "peak memory < 2 GB": ours["peak_memory_mb"] < TARGETS["peak_memory_mb"],
        "cold start <= 1.5 s": results["cold_start_s"]["ours"] <= TARGETS["cold_start_s"],
        "training <= 30 s": results["train: ours"]["seconds"] <= TARGETS["training_s"],
        "model file <= 50 MB": results["model_mb"]["ours"] <= TARGETS["model_mb"],
    }
    (args.out / "results.json").write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    (args.out / "results.md").write_text(render(results), encoding="utf-8")
    print(render(results))
    return 0


def render(r: dict) -> str:
    lines = [
        f"Corpus: {r['sentences']:,} sentences in {r['files']:,} files ({r['corpus_mb']} MB), {r['cpu_count']} cores, "
        f"`--jobs {r['jobs']}`.",
        "",
        "| run | seconds | sentences/s | peak memory (MB) |",
        "|---|---|---|---|",
    ]
    for name, v in r.items():
        if isinstance(v, dict) and "sentences_per_s" in v and not name.startswith("train"):
            lines.append(f"| {name} | {v['seconds']} | {v['sentences_per_s']:,} | {v['peak_memory_mb']} |")
    lines += [
        "",
        "| figure | ours | reference | ratio | target | met |",
        "|---|---|---|---|---|---|",
        f"| label throughput (sentences/s) | {r['ours: taxonomy label']['sentences_per_s']:,} | naive {r['naive jieba + TF-IDF + LR']['sentences_per_s']:,} | "
        f"{r['ratios']['throughput vs naive']}× | ≥ 3× | {'yes' if r['targets']['label throughput >= 3x naive'] else 'no'} |",
        f"| peak memory, label run (MB) | {r['ours: taxonomy label']['peak_memory_mb']} | naive {r['naive jieba + TF-IDF + LR']['peak_memory_mb']} | "
        f"{r['ratios']['peak memory vs naive']}× | < 2048 | {'yes' if r['targets']['peak memory < 2 GB'] else 'no'} |",
        f"| cold start, one speech (s) | {r['cold_start_s']['ours']} | naive {r['cold_start_s']['naive']} | "
        f"{r['ratios']['cold start vs naive']}× | ≤ 1.5 | {'yes' if r['targets']['cold start <= 1.5 s'] else 'no'} |",
        f"| training, full labelled set (s) | {r['train: ours']['seconds']} | naive {r['train: naive']['seconds']} | "
        f"{r['ratios']['training time vs naive']}× | ≤ 30 | {'yes' if r['targets']['training <= 30 s'] else 'no'} |",
        f"| model file (MB) | {r['model_mb']['ours']} | naive {r['model_mb']['naive']} | "
        f"{r['ratios']['model size vs naive']}× | ≤ 50 | {'yes' if r['targets']['model file <= 50 MB'] else 'no'} |",
        "",
        f"Throughput relative to bare jieba segmentation of the same text: {r['ratios']['throughput vs bare jieba']}×"
        + (f"; relative to fastText end to end: {r['ratios']['throughput vs fastText']}×." if "throughput vs fastText" in r["ratios"] else "."),
    ]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    raise SystemExit(main())
