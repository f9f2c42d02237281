"""The notebooks run top to bottom from their own folder, as an analyst opens them, with every glyph drawn."""

from __future__ import annotations

import pytest

from conftest import REPO

NOTEBOOKS = sorted((REPO / "notebooks").glob("*.ipynb"))
GLYPH = "missing from font"


def execute(path, cwd):
    """Run a notebook in a fresh kernel with ``cwd`` as its folder; returns the executed notebook."""
    import nbformat
    from nbclient import NotebookClient

    notebook = nbformat.read(path, as_version=4)
    NotebookClient(notebook, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(cwd)}}).execute()
    return notebook


def output_texts(notebook) -> list[str]:
    """Every text the cells printed (stdout, stderr, errors, plain-text results)."""
    texts = []
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            texts.append(output.get("text", "") + "".join(output.get("traceback", [])))
            texts.append(str(output.get("data", {}).get("text/plain", "")))
    return texts


@pytest.fixture(scope="module")
def cjk_font():
    pytest.importorskip("nbclient")
    from taxonomy import plotting

    if plotting.find_cjk_font() is None:
        pytest.skip("no CJK font installed (Debian: apt-get install fonts-noto-cjk); .ci/run installs one")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_notebook_runs_from_its_own_folder_without_missing_glyphs(path, cjk_font):
    notebook = execute(path, path.parent)
    texts = output_texts(notebook)
    assert not [t for t in texts if GLYPH in t], "a chart drew Chinese as empty boxes"
    images = sum("image/png" in o.get("data", {}) for c in notebook.cells for o in c.get("outputs", []))
    assert images >= 6
    assert any("5 speeches" in t for t in texts)


def test_the_glyph_check_catches_boxes(tmp_path, cjk_font):
    import nbformat
    from nbformat.v4 import new_code_cell, new_notebook

    path = tmp_path / "boxes.ipynb"
    nbformat.write(new_notebook(cells=[new_code_cell(
        "import matplotlib.pyplot as plt\nplt.rcParams['font.family'] = 'DejaVu Sans'\n"
        "plt.title('推诿扯皮'); plt.gcf().canvas.draw()")]), str(path))
    assert any(GLYPH in t for t in output_texts(execute(path, tmp_path)))


def test_notebooks_are_numbered_and_saved_without_outputs():
    assert NOTEBOOKS
    import json

    for path in NOTEBOOKS:
        assert path.name[0].isdigit() and "-" in path.name
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        assert all(not c.get("outputs") and not c.get("execution_count") for c in cells if c["cell_type"] == "code")
