"""Label sentences of Chinese speeches on cadre work style with work-style problem categories.

The public API::

    import taxonomy
    model = taxonomy.load_model()                 # the default model
    table = model.label_text(text, doc="speech")  # one row per sentence
    table = model.label_files(["data/raw"])       # files and folders
    model, scores = taxonomy.train(out="models/m.skops")
    figures, table = taxonomy.score(model, "checked.csv", docs="speeches/")   # against hand labels
    freq = taxonomy.frequencies(table, by="doc")  # counts, shares, rates per speech and category
    run = taxonomy.label_dask(["corpus/"], client, "out/labels")   # on a Dask cluster, Parquet parts

Heavy libraries are imported only when a function that needs them is called.
"""

__version__ = "0.1.0"

__all__ = [
    "__version__",
    "load_model",
    "train",
    "summarise",
    "frequencies",
    "score",
    "load_categories",
    "check_labelled",
    "TaxonomyModel",
    "TaxonomyError",
    "label_dask",
]

from .categories import load_categories
from .dataset import check_labelled
from .errors import TaxonomyError


def __getattr__(name):
    if name in ("load_model", "TaxonomyModel"):
        from . import model

        return getattr(model, name)
    if name == "train":
        from .training import train

        return train
    if name == "score":
        from .scoring import score

        return score
    if name == "frequencies":  # the module is taxonomy.frequency, so the name stays the function's
        from .frequency import frequencies

        return frequencies
    if name == "label_dask":
        from .dasklabel import label_dask

        return label_dask
    if name == "summarise":
        from .report import summarise

        return summarise
    raise AttributeError(f"module 'taxonomy' has no attribute {name!r}")
