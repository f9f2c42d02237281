"""The notebooks run against the package: execute their code cells (plots off-screen)."""

import json

import pytest

from conftest import REPO

NOTEBOOKS = sorted((REPO / "notebooks").glob("*.ipynb"))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_notebook_code_runs(path, monkeypatch):
    pytest.importorskip("matplotlib")
    import matplotlib

    matplotlib.use("Agg")
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    namespace: dict = {}
    for cell in cells:
        if cell["cell_type"] == "code":
            exec(compile("".join(cell["source"]), f"{path.name}", "exec"), namespace)
    assert "labels" in namespace and len(namespace["labels"]) > 500
    assert namespace["summary"]["doc"].nunique() == 5


def test_notebooks_are_numbered():
    assert NOTEBOOKS
    for path in NOTEBOOKS:
        assert path.name[0].isdigit() and "-" in path.name
