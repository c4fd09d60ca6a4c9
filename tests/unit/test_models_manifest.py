import hashlib
import importlib.util
import json
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def test_packaged_model_files_match_manifest():
    manifest = json.loads((REPO / "models" / "manifest.json").read_text())
    assert manifest["models"]
    for m in manifest["models"]:
        if "path" in m:  # a model file kept in this repository (e.g. models/telltale-classifier)
            path = REPO / m["path"]
        else:
            pkg = m["path_in_package"].split("/")[0]
            root = Path(importlib.util.find_spec(pkg).origin).parent.parent
            path = root / m["path_in_package"]
        assert path.is_file(), f"{m['name']}: {path} missing"
        assert hashlib.sha256(path.read_bytes()).hexdigest() == m["sha256"], f"{m['name']} differs from the manifest"
