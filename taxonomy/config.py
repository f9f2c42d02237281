"""Where the project keeps its files.

Every path is computed on demand (nothing happens at import, nothing is created). The
project root is ``$TAXONOMY_HOME`` when that is set, otherwise the checkout this package
lives in, otherwise the current directory. Commands take options that override each path.

The default model ships inside the package (``taxonomy/models/``), so an installed
``taxonomy`` works from any folder. :func:`default_model_path` picks, in order, the
project's own model (``$TAXONOMY_HOME/models/``, or ``models/`` in the current folder
of an installed copy) when that file exists, else the packaged model; ``--model``
overrides both. :func:`train_model_path` is where ``taxonomy train`` writes without
``--out``: ``$TAXONOMY_HOME/models/`` when set, the packaged location in a source
checkout (so retraining updates the shipped model), else ``models/`` in the current folder.

Examples
--------
>>> from taxonomy import config
>>> config.labelled_dir().name
'labelled'
"""

from __future__ import annotations

import os
from pathlib import Path

ENV_VAR = "TAXONOMY_HOME"
DEFAULT_MODEL_NAME = "taxonomy-default.skops"


def project_root() -> Path:
    """The project root: ``$TAXONOMY_HOME``, else the source checkout, else the cwd."""
    env = os.environ.get(ENV_VAR)
    if env:
        return Path(env).expanduser()
    if _in_checkout():
        return Path(__file__).resolve().parent.parent
    return Path.cwd()


def _in_checkout() -> bool:
    """Whether this package is a source checkout (not an installed copy)."""
    return (Path(__file__).resolve().parent.parent / "pyproject.toml").is_file()


def raw_dir() -> Path:
    """Raw speeches, as collected (never edited)."""
    return project_root() / "data" / "raw"


def labelled_dir() -> Path:
    """Hand-labelled sentences (``*.csv``)."""
    return project_root() / "data" / "labelled"


def packaged_models_dir() -> Path:
    """The models shipped inside the package (``taxonomy/models``)."""
    return Path(__file__).resolve().parent / "models"


def packaged_model_path() -> Path:
    """The default model shipped with the package."""
    return packaged_models_dir() / DEFAULT_MODEL_NAME


def models_dir() -> Path:
    """The project's own models: ``$TAXONOMY_HOME/models``, the packaged folder in a checkout, else ``./models``."""
    if os.environ.get(ENV_VAR) or not _in_checkout():
        return project_root() / "models"
    return packaged_models_dir()


def train_model_path() -> Path:
    """Where ``taxonomy train`` writes the default model when no ``--out`` is given."""
    return models_dir() / DEFAULT_MODEL_NAME


def default_model_path() -> Path:
    """The model used when none is named: the project's own when it exists, else the packaged one.

    Examples
    --------
    >>> from taxonomy import config
    >>> config.default_model_path().name
    'taxonomy-default.skops'
    """
    own = models_dir() / DEFAULT_MODEL_NAME
    return own if own.is_file() else packaged_model_path()


def reports_dir() -> Path:
    """Evaluation reports and figures."""
    return project_root() / "reports"
