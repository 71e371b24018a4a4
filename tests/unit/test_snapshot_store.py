"""The snapshot directory's lifecycle: first build, reuse, a new file, broken files, stale cleanup, two at once."""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from data.generate import write_csv
from service.data import snapshot
from service.data.csv_source import CsvFormatError, load_expenses
from service.data.snapshot_store import provide, release
from service.engine.table import ExpenseTable
from service.query.model import Filter, SortKey
from tests.conftest import HEADER, SAMPLE_CSV
from tests.helpers.live_server import REPO


@pytest.fixture
def data(tmp_path: Path) -> Path:
    path = tmp_path / "expanses.csv"
    shutil.copyfile(SAMPLE_CSV, path)
    return path


def snapshots(directory: Path) -> list[Path]:
    return sorted(directory.glob("expanses-*.arrow"))


def mapped(path: Path) -> snapshot.Snapshot:
    descriptor = os.open(path, os.O_RDONLY)
    try:
        return snapshot.read(descriptor)
    finally:
        os.close(descriptor)


def test_the_first_start_builds_and_a_restart_on_the_same_bytes_finds_it(data: Path, tmp_path: Path) -> None:
    directory = tmp_path / "snapshots"
    first = provide(data, directory)
    assert not first.reused and snapshots(directory) == [first.path]
    built_at = first.path.stat().st_mtime_ns
    again = provide(data, directory)
    assert again.reused and again.path == first.path and again.rows == first.rows
    assert first.path.stat().st_mtime_ns == built_at


def test_a_mapped_snapshot_answers_like_the_csv_it_came_from(data: Path, tmp_path: Path) -> None:
    from_csv = ExpenseTable(snapshot.build(load_expenses(data)))
    from_file = ExpenseTable(mapped(provide(data, tmp_path / "snapshots").path))
    assert len(from_file) == len(from_csv) == len(data.read_text(encoding="utf-8").strip().splitlines()) - 1
    for filters, sort in [
        ([], [SortKey("member_name"), SortKey("amount", descending=True)]),
        ([Filter("departments", "in", ("IT", "Sales"))], [SortKey("date")]),
    ]:
        assert from_file.find(filters, sort, 5, 30) == from_csv.find(filters, sort, 5, 30)
    assert from_file.aggregate([], [], ["date_month", "member_name"], [], 0, 500) == from_csv.aggregate(
        [], [], ["date_month", "member_name"], [], 0, 500
    )
    assert [from_file.get(i) for i in (1, len(from_csv))] == [from_csv.get(i) for i in (1, len(from_csv))]


def test_records_are_read_from_the_mapped_pages_not_a_copy(data: Path, tmp_path: Path) -> None:
    """A copy per worker would cost every worker the columns again (240 MB each at ten million rows)."""
    from_file = mapped(provide(data, tmp_path / "snapshots").path)
    column = from_file.table.column(snapshot.COLUMN_OF["amount"])
    view = snapshot.column_values(column)
    assert view.obj.address == column.chunk(0).buffers()[1].address  # type: ignore[attr-defined]
    assert list(view) == column.to_pylist()


def test_a_changed_file_gets_a_new_snapshot_and_the_old_one_is_removed(data: Path, tmp_path: Path) -> None:
    directory = tmp_path / "snapshots"
    old = provide(data, directory)
    data.write_text(HEADER + "IT,Gaama,4.00€,1/2/2021,Sam\n", encoding="utf-8")
    new = provide(data, directory)
    assert new.path != old.path and new.rows == 1 and not new.reused
    assert snapshots(directory) == [new.path]


def test_a_snapshot_some_process_serves_is_kept(data: Path, tmp_path: Path) -> None:
    directory = tmp_path / "snapshots"
    old = provide(data, directory)
    served = os.open(old.path, os.O_RDONLY)
    fcntl.flock(served, fcntl.LOCK_SH)  # as the gunicorn master holds the one it serves
    try:
        data.write_text(HEADER + "IT,Gaama,4.00€,1/2/2021,Sam\n", encoding="utf-8")
        new = provide(data, directory)
        assert snapshots(directory) == sorted([old.path, new.path])
    finally:
        os.close(served)
    shutil.copyfile(SAMPLE_CSV, data)
    assert provide(data, directory).path == old.path  # rebuilt: nobody held it, the next start removed it
    assert snapshots(directory) == [old.path]


def test_a_broken_snapshot_under_the_right_name_is_rebuilt(data: Path, tmp_path: Path) -> None:
    directory = tmp_path / "snapshots"
    good = provide(data, directory)
    whole = good.path.read_bytes()
    good.path.chmod(0o644)
    good.path.write_bytes(whole[: len(whole) // 2])  # cut short, as by a full disk before the rename existed
    rebuilt = provide(data, directory)
    assert not rebuilt.reused and rebuilt.path.read_bytes() == whole


def test_leftovers_of_an_interrupted_build_are_removed(data: Path, tmp_path: Path) -> None:
    directory = tmp_path / "snapshots"
    directory.mkdir(mode=0o700)
    leftover = directory / ".building-abc123"
    leftover.write_bytes(b"half a snapshot")
    provide(data, directory)
    assert not leftover.exists()


def test_a_broken_file_is_refused_and_the_snapshots_stay(data: Path, tmp_path: Path) -> None:
    directory = tmp_path / "snapshots"
    served = provide(data, directory)
    data.write_text(HEADER + "IT,Gaama,bad,1/2/2021,Sam\n", encoding="utf-8")
    with pytest.raises(CsvFormatError, match="line 2"):
        provide(data, directory)
    assert snapshots(directory) == [served.path]


def test_a_snapshot_of_another_format_is_not_read(data: Path, tmp_path: Path) -> None:
    other = tmp_path / "other.arrow"
    other.write_bytes(b"ARROW1 but not really")
    with pytest.raises(snapshot.SnapshotError):
        mapped(other)


def test_two_processes_starting_at_once_parse_once(tmp_path: Path) -> None:
    data, directory = tmp_path / "expanses.csv", tmp_path / "snapshots"
    write_csv(data, 300_000, seed=3)  # a build long enough for both to be running at once
    command = [sys.executable, "-m", "service.check_csv", str(data), "--snapshot-dir", str(directory)]
    checks = [subprocess.Popen(command, cwd=REPO, stdout=subprocess.PIPE, text=True) for _ in range(2)]
    outputs = [json.loads(check.communicate(timeout=120)[0]) for check in checks]
    assert [check.returncode for check in checks] == [0, 0]
    assert sorted(output["reused"] for output in outputs) == [False, True]
    assert {output["snapshot"] for output in outputs} == {str(path) for path in snapshots(directory)}
    assert all(output["records"] == 300_000 for output in outputs)


def test_a_snapshot_whose_values_were_edited_is_refused_and_rebuilt(data: Path, tmp_path: Path) -> None:
    directory = tmp_path / "snapshots"
    good = provide(data, directory)
    whole = bytearray(good.path.read_bytes())
    first_cents = mapped(good.path).table.column("cents")[0].as_py().to_bytes(8, "little", signed=True)
    at = whole.index(first_cents)
    whole[at : at + 8] = (123456789012345).to_bytes(8, "little", signed=True)
    good.path.chmod(0o644)
    good.path.write_bytes(whole)  # same size, same form: only a value differs
    with pytest.raises(snapshot.SnapshotError, match="differ from what was written"):
        snapshot.verify(mapped(good.path), load_expenses(data).fingerprint, release())
    again = provide(data, directory)
    assert not again.reused and any("refused" in note for note in again.notes)
    assert mapped(again.path).table.column("cents")[0].as_py() != 123456789012345


def test_a_snapshot_of_another_file_or_release_is_refused(data: Path, tmp_path: Path) -> None:
    found = mapped(provide(data, tmp_path / "snapshots").path)
    fingerprint = load_expenses(data).fingerprint
    snapshot.verify(found, fingerprint, release())  # its own file and release: accepted
    with pytest.raises(snapshot.SnapshotError, match="another file"):
        snapshot.verify(found, "0" * 64, release())
    with pytest.raises(snapshot.SnapshotError, match="another release"):
        snapshot.verify(found, fingerprint, "another")


def test_the_verified_copy_is_what_is_handed_over(data: Path, tmp_path: Path) -> None:
    """With `into`, the snapshot is copied into that file and the copy is read and verified."""
    copy = os.memfd_create("test-copy")
    try:
        provided = provide(data, tmp_path / "snapshots", into=copy)
        assert provided.path.read_bytes() == os.pread(copy, provided.path.stat().st_size + 1, 0)
        assert len(snapshot.read(copy)) == provided.rows
    finally:
        os.close(copy)
