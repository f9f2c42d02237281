"""What one round of suggested labels buys against random ones, simulated on the labelled set.

    python benchmarks/active_round.py                  # 3 seeds, 200 sentences (about 2 minutes on 2 cores)
    python benchmarks/active_round.py --seeds 0 --n 100 # a quick look

Per seed the sources are split by grouped, stratified folds (10 folds: 2 test,
3 pool, 5 base, so about 20% / 30% / 50% of the sources). A model is trained on
the base; ``n`` pool sentences are chosen by :func:`taxonomy.suggest.select_rows`
(uncertainty, round-robin over categories, no near-duplicates) and ``n`` at random;
their labels are added to the base, the model is retrained, and macro-F1 on the test
sources is compared. Pool sentences join the training data as isolated sentences of
their source, as imported rows do.

Results go to ``reports/active-round.json`` (written after every seed, so an
interrupted run keeps what finished) and ``reports/active-round.md``.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from sklearn.metrics import f1_score  # noqa: E402

from taxonomy.evaluation import grouped_folds  # noqa: E402
from taxonomy.suggest import select_rows  # noqa: E402
from taxonomy.training import fit_pipeline, load_training_data  # noqa: E402

N_FOLDS = 10
TEST_FOLDS, POOL_FOLDS = (0, 1), (2, 3, 4)


def predict(pipeline, data):
    """Probabilities and indicator predictions of a fitted pipeline on ``data``."""
    features = pipeline[:-1].transform(data.X)
    clf = pipeline[-1]
    proba = clf.predict_proba(features)
    return proba, (proba >= clf.thresholds_).astype(int), clf.thresholds_


def scores(pipeline, test) -> dict:
    _, pred, _ = predict(pipeline, test)
    Y = test.Y.to_numpy()
    per = f1_score(Y, pred, average=None, zero_division=0)
    return {
        "macro_f1": float(f1_score(Y, pred, average="macro", zero_division=0)),
        "micro_f1": float(f1_score(Y, pred, average="micro", zero_division=0)),
        "per_category_f1": {c: float(per[i]) for i, c in enumerate(test.Y.columns)},
    }


def one_seed(data, seed: int, n: int, log) -> dict:
    folds = grouped_folds(data.groups, data.Y.to_numpy(), n_splits=N_FOLDS, seed=seed)
    tests = [f[1] for f in folds]
    test = np.sort(np.concatenate([tests[i] for i in TEST_FOLDS]))
    pool = np.sort(np.concatenate([tests[i] for i in POOL_FOLDS]))
    base = np.sort(np.setdiff1d(np.arange(len(data.Y)), np.concatenate([test, pool])))
    test_data = data.take(test)
    started = time.time()
    base_model = fit_pipeline(data.take(base))
    log(f"seed {seed}: base model on {len(base)} sentences in {time.time() - started:.0f}s")
    pool_data = data.take(pool)
    proba, _, thresholds = predict(base_model, pool_data)
    known = data.X["text"].iloc[base].tolist()
    picks = select_rows(proba, thresholds, pool_data.X["text"].tolist(), n, seed=seed, known=known)
    chosen = {"suggested": np.sort(pool[[p.index for p in picks]]),
              "random": np.sort(np.random.default_rng(seed).choice(pool, size=n, replace=False))}
    result = {"seed": seed, "n_test": int(len(test)), "n_pool": int(len(pool)), "n_base": int(len(base)),
              "n_test_sources": int(len(set(data.groups[test]))), "base": scores(base_model, test_data)}
    for name, rows in chosen.items():
        started = time.time()
        model = fit_pipeline(data.take(np.concatenate([base, rows])))
        result[name] = scores(model, test_data)
        Y = data.Y.to_numpy()[rows]
        result[name]["labels_added"] = {c: int(Y[:, i].sum()) for i, c in enumerate(data.Y.columns)}
        result[name]["with_a_category"] = int(Y.any(axis=1).sum())
        log(f"seed {seed}: +{n} {name}: macro-F1 {result[name]['macro_f1']:.3f} ({time.time() - started:.0f}s)")
    return result


def summary(runs: list[dict]) -> dict:
    def spread(values):
        return {"mean": statistics.mean(values), "sd": statistics.stdev(values) if len(values) > 1 else 0.0,
                "min": min(values), "max": max(values)}

    gain = [r["suggested"]["macro_f1"] - r["random"]["macro_f1"] for r in runs]
    cats = list(runs[0]["base"]["per_category_f1"])
    return {
        "seeds": [r["seed"] for r in runs],
        **{f"{k}_macro_f1": spread([r[k]["macro_f1"] for r in runs]) for k in ("base", "random", "suggested")},
        "suggested_minus_random_macro_f1": spread(gain),
        "per_category_suggested_minus_random_f1": {
            c: statistics.mean(r["suggested"]["per_category_f1"][c] - r["random"]["per_category_f1"][c] for r in runs)
            for c in cats
        },
        "labels_added_mean": {
            k: {c: statistics.mean(r[k]["labels_added"][c] for r in runs) for c in cats} for k in ("random", "suggested")
        },
    }


def markdown(payload: dict) -> str:
    s, runs, n = payload["summary"], payload["runs"], payload["n"]
    lines = [
        "# One simulated round of suggested labels against random ones",
        "",
        f"Command: `python benchmarks/active_round.py` (seeds {', '.join(map(str, s['seeds']))}, {n} sentences a round).",
        "Per seed the labelled sources are split by grouped, stratified folds into test (about 20%), pool",
        "(30%) and base (50%); a model trained on the base chooses "
        f"{n} pool sentences with `taxonomy.suggest.select_rows`,",
        f"and {n} more are drawn at random from the same pool; their labels join the base, the model is",
        "retrained with the default parameters and scored on the test sources.",
        "",
        "| seed | base macro-F1 | + random | + suggested | suggested − random | with a category (random / suggested) |",
        "|---|---|---|---|---|---|",
    ]
    for r in runs:
        lines.append(
            f"| {r['seed']} | {r['base']['macro_f1']:.3f} | {r['random']['macro_f1']:.3f} | {r['suggested']['macro_f1']:.3f} "
            f"| {r['suggested']['macro_f1'] - r['random']['macro_f1']:+.3f} "
            f"| {r['random']['with_a_category']} / {r['suggested']['with_a_category']} |"
        )
    g = s["suggested_minus_random_macro_f1"]
    lines += [
        "",
        f"Mean over {len(runs)} seed(s): base {s['base_macro_f1']['mean']:.3f}, + random {s['random_macro_f1']['mean']:.3f}, "
        f"+ suggested {s['suggested_macro_f1']['mean']:.3f}; suggested − random **{g['mean']:+.3f}** "
        f"(sd {g['sd']:.3f}, range {g['min']:+.3f} to {g['max']:+.3f}).",
        "",
        "Per category (mean over seeds): F1 difference suggested − random, and labels the round added.",
        "",
        "| category | F1 suggested − random | labels added: random | labels added: suggested |",
        "|---|---|---|---|",
    ]
    for c, d in s["per_category_suggested_minus_random_f1"].items():
        lines.append(f"| {c} | {d:+.3f} | {s['labels_added_mean']['random'][c]:.1f} | {s['labels_added_mean']['suggested'][c]:.1f} |")
    base = statistics.mean(r["n_base"] for r in runs)
    positives = {k: statistics.mean(r[k]["with_a_category"] for r in runs) for k in ("random", "suggested")}
    added = s["labels_added_mean"]
    more = sum(added["suggested"][c] > added["random"][c] for c in added["random"])
    verdict = ("within the spread between seeds: no measurable difference" if abs(g["mean"]) <= max(g["sd"], 0.005)
               else ("in favour of suggested sentences" if g["mean"] > 0 else "in favour of random sentences"))
    lines += [
        "",
        "## Reading",
        "",
        f"A round adds {n} sentences to about {base:,.0f} ({n / base:.0%}). Suggested sentences carry a category "
        f"{positives['suggested']:.0f} times in {n} against {positives['random']:.0f} for random ones, and {more} of "
        f"{len(added['random'])} categories get more labels; the macro-F1 difference ({g['mean']:+.3f}) is {verdict}. The pool is drawn from "
        "the same labelled documents as the test set, so this measures what uncertainty buys on familiar text, "
        "not on wording the model has never met.",
    ]
    return "\n".join(lines) + "\n"


def write(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--n", type=int, default=200, help="sentences added per round")
    parser.add_argument("--data", type=Path, default=REPO / "data" / "labelled")
    parser.add_argument("--out", type=Path, default=REPO / "reports" / "active-round.json")
    parser.add_argument("--report-only", action="store_true", help="rewrite the .md from the existing .json")
    args = parser.parse_args(argv)
    if args.report_only:
        write(args.out.with_suffix(".md"), markdown(json.loads(args.out.read_text(encoding="utf-8"))))
        return
    data = load_training_data(args.data)
    runs = []
    for seed in args.seeds:
        runs.append(one_seed(data, seed, args.n, lambda m: print(m, file=sys.stderr, flush=True)))
        payload = {"n": args.n, "data_sha256": data.data_hash, "runs": runs, "summary": summary(runs)}
        write(args.out, json.dumps(payload, ensure_ascii=False, indent=2) + "\n")
        write(args.out.with_suffix(".md"), markdown(payload))
    print(f"wrote {args.out} and {args.out.with_suffix('.md')}")


if __name__ == "__main__":
    main()
