"""Production serves compressed, content-hashed static files (whitenoise), collected from the app and npm."""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_collectstatic_writes_hashed_and_compressed_files(tmp_path):
    environment = {key: value for key, value in os.environ.items() if key not in ("DJANGO_ALLOW_ASYNC_UNSAFE",)} | {
        "DJANGO_SETTINGS_MODULE": "hipoc.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "hipoc.example.org",
        "STATIC_ROOT": str(tmp_path),
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity=0"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    manifest = json.loads((tmp_path / "staticfiles.json").read_text())["paths"]
    for name in ("css/hipoc.css", "js/ranking-chart.js", "vendor/chartjs/chart.umd.min.js", "vendor/htmx/htmx.min.js"):
        hashed = manifest[name]
        assert hashed != name
        assert (tmp_path / hashed).is_file()
        assert (tmp_path / f"{hashed}.gz").is_file()
    # Source maps are served as they are: compressing them took half the time.
    assert (tmp_path / "vendor/chartjs/chart.umd.min.js.map").is_file()
    assert not list(tmp_path.rglob("*.map.gz"))
