import json

import pytest

from diagnostics import cli
from diagnostics.config import Settings
from diagnostics.errors import DiagnosticsError
from diagnostics.jobs import InProcessRunner, get_runner


def test_inprocess_runner_runs_the_job():
    assert get_runner(Settings()).run(lambda a, b=0: a + b, 2, b=3) == 5
    assert isinstance(get_runner(Settings()), InProcessRunner)


def test_unknown_job_backend_is_a_clear_error():
    with pytest.raises(DiagnosticsError, match="Unknown job backend"):
        get_runner(Settings(job_backend="carrier-pigeon"))


def test_settings_from_env_reads_limits(tmp_path):
    s = Settings.from_env({"TELLTALE_DATA_DIR": str(tmp_path), "TELLTALE_MAX_BYTES": "1000", "TELLTALE_ENGINES": "tesseract"})
    assert s.max_bytes == 1000 and s.engines == ("tesseract",)
    assert s.database_url == f"sqlite:///{tmp_path / 'telltale.db'}"


def test_cli_missing_file_exits_2_with_message(capsys):
    assert cli.main(["analyze", "/nonexistent/photo.jpg"]) == 2
    assert "Cannot read" in capsys.readouterr().err


def test_cli_eval_rejects_manifest_without_columns(tmp_path, capsys):
    m = tmp_path / "m.csv"
    m.write_text("file,answer\na.jpg,E21\n")
    assert cli.main(["eval", str(m)]) == 2
    assert "'path' and 'expected'" in capsys.readouterr().err
