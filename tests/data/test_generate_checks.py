"""Bad arguments of a generation run fail at once, before anything is generated (issue 21)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time

import pytest

from hepml_course.cli import main
from hepml_course.data.errors import GenerationError, OutputPathError
from hepml_course.data.generate import generate, generate_spec
from hepml_course.data.rootio import atomic_path, remove_stale_partials, sidecar_path
from tests import toy_dataset


def _cli(capsys, *args: str) -> str:
    """Run ``hepml-course data generate dimuon ARGS``; return its one error line."""
    assert main(["data", "generate", "dimuon", "--quiet", *args]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and err.count("\n") == 1, err
    assert "Traceback" not in err
    return err


@pytest.mark.parametrize("events", ["-5", "0"])
def test_events_must_be_positive(capsys, tmp_path, events):
    err = _cli(capsys, "--events", events, "--out", str(tmp_path / "x.root"))
    assert "--events" in err and "must be positive" in err
    assert list(tmp_path.iterdir()) == []


def test_absurd_events_are_refused_quickly(capsys, tmp_path):
    start = time.perf_counter()
    err = _cli(capsys, "--events", "100000000000", "--out", str(tmp_path / "x.root"))
    assert time.perf_counter() - start < 5
    assert "above the limit" in err and "--events" in err


def test_bad_seed_and_workers(capsys, tmp_path):
    assert "--seed" in _cli(capsys, "--seed", "-1", "--out", str(tmp_path / "x.root"))
    assert "--workers" in _cli(capsys, "--workers", "0", "--out", str(tmp_path / "x.root"))
    assert "--workers" in _cli(capsys, "--workers", "100000", "--out", str(tmp_path / "x.root"))


def test_out_under_a_file_or_a_folder_fails_before_generating(capsys, tmp_path):
    afile = tmp_path / "afile"
    afile.write_text("x")
    err = _cli(capsys, "--events", "10", "--out", str(afile / "sub" / "x.root"))
    assert f"{afile} is a file, not a folder" in err
    err = _cli(capsys, "--events", "10", "--out", str(tmp_path))
    assert f"--out {tmp_path} is a folder" in err
    (tmp_path / "y.root.json").mkdir()
    err = _cli(capsys, "--events", "10", "--out", str(tmp_path / "y.root"))
    assert "y.root.json" in err and "folder" in err


def test_out_under_sys_fails_before_generating(capsys):
    try:
        err = _cli(capsys, "--events", "10", "--out", "/sys/hepml-course-test.root")
    except AssertionError:
        pytest.skip("/sys is writable here")
    assert "cannot write in /sys" in err


def test_foreign_file_is_replaced_only_with_force(tmp_path):
    target = tmp_path / "mine.root"
    target.write_bytes(b"my precious analysis output")
    with pytest.raises(OutputPathError, match="refusing to overwrite"):
        generate_spec(toy_dataset.SPEC, 20, 1, out=target, progress=False)
    assert target.read_bytes() == b"my precious analysis output"
    generate_spec(toy_dataset.SPEC, 20, 1, out=target, progress=False, force=True)
    assert sidecar_path(target).is_file()
    # now it is a course 'toy' file: regenerating it needs no --force
    generate_spec(toy_dataset.SPEC, 30, 2, out=target, progress=False)


def test_unreachable_dask_scheduler_fails_quickly(tmp_path):
    import socket

    with socket.socket() as s:  # a loopback port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    start = time.perf_counter()
    with pytest.raises(GenerationError, match="no Dask scheduler answered at --dask tcp://127"):
        generate(
            "dimuon",
            10,
            seed=1,
            dask_address=f"tcp://127.0.0.1:{port}",
            out=tmp_path / "d.root",
            progress=False,
        )
    assert time.perf_counter() - start < 20
    assert [p.name for p in tmp_path.iterdir()] == []


def test_partial_file_of_a_killed_run_is_cleaned_by_the_next_run(tmp_path):
    target = tmp_path / "x.root"
    script = textwrap.dedent(
        f"""
        import time
        from pathlib import Path
        from hepml_course.data.rootio import atomic_path
        with atomic_path(Path({str(target)!r})) as tmp:
            tmp.write_bytes(b"half" * 1000)
            print("writing", flush=True)
            time.sleep(60)
        """
    )
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "writing"
    partial = list(tmp_path.glob(".x.root.*.tmp"))
    assert len(partial) == 1
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert partial[0].exists()  # SIGKILL cannot be caught: the partial file stays ...
    with atomic_path(target) as tmp:  # ... until the next write of the same target
        tmp.write_text("done")
    assert not partial[0].exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["x.root"]


def test_partial_files_of_live_writers_and_other_targets_are_kept(tmp_path):
    live = tmp_path / f".x.root.{os.getppid()}-abc.tmp"
    other = tmp_path / ".y.root.999999999-abc.tmp"
    dead = tmp_path / ".x.root.999999999-abc.tmp"
    for p in (live, other, dead):
        p.write_text("partial")
    assert remove_stale_partials(tmp_path / "x.root") == [dead]
    assert live.exists() and other.exists()
