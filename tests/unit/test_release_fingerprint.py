"""ETags name the release as well as the data: a new release never gets a 304 for an old body."""

from __future__ import annotations

from pathlib import Path

from service.data.release import release_fingerprint


def test_any_changed_added_or_renamed_file_changes_the_release(tmp_path: Path) -> None:
    code, contract = tmp_path / "service", tmp_path / "openapi.yaml"
    code.mkdir()
    (code / "resources.py").write_text("render = 1\n")
    contract.write_text("openapi: 3.1.0\n")
    seen = {release_fingerprint((code, contract))}
    (code / "__pycache__").mkdir()
    (code / "__pycache__" / "resources.pyc").write_bytes(b"compiled")
    assert release_fingerprint((code, contract)) in seen  # caches are not the release
    for change in (
        lambda: contract.write_text("openapi: 3.1.1\n"),
        lambda: (code / "resources.py").write_text("render = 2\n"),
        lambda: (code / "static.js").write_text(""),
        lambda: (code / "static.js").rename(code / "other.js"),
    ):
        change()
        fingerprint = release_fingerprint((code, contract))
        assert fingerprint not in seen
        seen.add(fingerprint)
