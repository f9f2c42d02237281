"""The built wheel works on its own: installed into a fresh environment, it labels from any folder."""

from __future__ import annotations

import csv
import os
import shutil
import site
import subprocess
import sys
import venv
from pathlib import Path

import pytest

from conftest import REPO, SPEECHES


@pytest.mark.install
def test_the_installed_wheel_labels_a_speech_from_an_empty_folder(tmp_path):
    wheels, env_dir, work = tmp_path / "wheels", tmp_path / "env", tmp_path / "work"
    work.mkdir()
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation", "-w", str(wheels),
                    str(REPO)], check=True, capture_output=True, cwd=tmp_path)
    (wheel,) = wheels.glob("taxonomy-*.whl")
    venv.create(env_dir, with_pip=False)
    python = env_dir / "bin" / "python"
    subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "-q", "--no-deps", str(wheel)],
                   check=True, capture_output=True)
    env_site = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                              check=True, capture_output=True, text=True).stdout.strip()
    # the dependencies come from this environment; the package itself only from the wheel
    Path(env_site, "deps.pth").write_text("\n".join(site.getsitepackages()) + "\n")
    speech = work / "speech.txt"
    shutil.copy(SPEECHES[0], speech)
    env = {k: v for k, v in os.environ.items() if k not in ("TAXONOMY_HOME", "PYTHONPATH")}
    where = subprocess.run([str(python), "-c", "import taxonomy, taxonomy.config as c; print(taxonomy.__file__); "
                            "print(c.default_model_path())"], cwd=work, env=env, check=True, capture_output=True, text=True)
    package_file, model_file = where.stdout.split()
    assert Path(package_file).is_relative_to(env_dir) and Path(model_file).is_relative_to(env_dir)
    run = subprocess.run([str(env_dir / "bin" / "taxonomy"), "label", "speech.txt", "-o", "out.csv"],
                         cwd=work, env=env, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    with (work / "out.csv").open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) > 50
    assert sum(bool(r["labels"]) for r in rows) > 5
    assert sorted(p.name for p in work.iterdir()) == ["out.csv", "speech.txt"]
