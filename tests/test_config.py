from taxonomy import config


def test_paths_follow_the_environment_variable(monkeypatch, tmp_path):
    monkeypatch.setenv(config.ENV_VAR, str(tmp_path))
    assert config.project_root() == tmp_path
    assert config.labelled_dir() == tmp_path / "data" / "labelled"
    assert config.train_model_path() == tmp_path / "models" / config.DEFAULT_MODEL_NAME
    assert config.reports_dir() == tmp_path / "reports"


def test_default_model_is_the_packaged_one_unless_the_project_has_its_own(monkeypatch, tmp_path):
    monkeypatch.setenv(config.ENV_VAR, str(tmp_path))
    packaged = config.packaged_model_path()
    assert packaged.is_file() and packaged.parent.parent.name == "taxonomy"
    assert config.default_model_path() == packaged
    assert not (tmp_path / "models").exists(), "looking up the model must not create anything"
    own = tmp_path / "models" / config.DEFAULT_MODEL_NAME
    own.parent.mkdir()
    own.write_bytes(b"x")
    assert config.default_model_path() == own


def test_in_the_checkout_training_updates_the_packaged_model(monkeypatch):
    monkeypatch.delenv(config.ENV_VAR, raising=False)
    assert config.train_model_path() == config.packaged_model_path()
    assert config.default_model_path() == config.packaged_model_path()


def test_default_root_is_the_checkout(monkeypatch):
    monkeypatch.delenv(config.ENV_VAR, raising=False)
    assert (config.project_root() / "pyproject.toml").is_file()
    assert config.raw_dir().name == "raw"


def test_importing_the_package_is_light():
    import subprocess
    import sys

    code = "import sys, taxonomy; print('sklearn' in sys.modules, 'pandas' in sys.modules, 'jieba' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "False", "False"]
