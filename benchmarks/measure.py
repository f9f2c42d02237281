"""Measuring tools of the benchmark: peak memory of a process tree, and the reference pipelines.

``REFERENCE`` is a script run as its own process: ``jieba`` (bare segmentation of every
file), ``train-naive`` / ``naive`` (jieba + TF-IDF + one-vs-rest LogisticRegression,
trained on the labelled set, files in and CSV out in one process) and ``fasttext``
(fastText supervised, end to end).
"""

from __future__ import annotations

import threading
import time

import psutil


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
