"""Where the project keeps its files.

Every path is computed on demand (nothing happens at import). The project root is
``$TAXONOMY_HOME`` when that is set, otherwise the checkout this package lives in,
otherwise the current directory. Commands take options that override each path.

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
    checkout = Path(__file__).resolve().parent.parent
    if (checkout / "pyproject.toml").is_file():
        return checkout
    return Path.cwd()


def raw_dir() -> Path:
    """Raw speeches, as collected (never edited)."""
    return project_root() / "data" / "raw"


def labelled_dir() -> Path:
    """Hand-labelled sentences (``*.csv``)."""
    return project_root() / "data" / "labelled"


def models_dir() -> Path:
    """Trained models and their metadata."""
    return project_root() / "models"


def default_model_path() -> Path:
    """The default model file."""
    return models_dir() / DEFAULT_MODEL_NAME


def reports_dir() -> Path:
    """Evaluation reports and figures."""
    return project_root() / "reports"
