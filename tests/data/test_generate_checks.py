"""Bad arguments of a generation run fail at once, before anything is generated (issue 21)."""

from __future__ import annotations

import dataclasses
import os
import signal
import subprocess
import sys
import textwrap
import time

import pytest

from hepml_course.cli import build_parser, main
from hepml_course.data import registry
from hepml_course.data.errors import GenerationError, OutputPathError
from hepml_course.data.generate import default_output, generate, generate_spec
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


# --- dataset-specific generation options (issue 16: `--particles` of tracking) ---


def _plan_with_scale(n_events: int, seed: int, scale: int = 1) -> list:
    """The toy plan with a ``scale`` option (stored in the shards' params)."""
    return [
        dataclasses.replace(s, params={"scale": scale}) for s in toy_dataset.plan(n_events, seed)
    ]


def test_particles_on_a_dataset_without_options_is_refused(capsys, tmp_path):
    err = _cli(capsys, "--events", "10", "--particles", "5000", "--out", str(tmp_path / "x.root"))
    assert "'dimuon' does not accept the generation option(s) ['particles']" in err
    assert "it takes no generation options" in err
    assert list(tmp_path.iterdir()) == []


def test_unknown_option_names_the_datasets_options(tmp_path):
    with pytest.raises(ValueError, match=r"\['pions'\]: its options are \['particles'\]"):
        generate("tracking", 2, 1, out=tmp_path / "t.root", options={"pions": 50})
    with pytest.raises(ValueError, match="must be a mapping"):
        generate("tracking", 2, 1, out=tmp_path / "t.root", options=[("particles", 50)])
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("value", "message"),
    [("0", "between 25 and 100,000"), ("60", "multiple of 25"), ("200000", "between 25")],
)
def test_bad_particles_fail_before_generating(capsys, tmp_path, value, message):
    out = tmp_path / "t.root"
    args = ["data", "generate", "tracking", "--quiet", "--particles", value, "--out", str(out)]
    assert main(args) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: --particles") and message in err and "Traceback" not in err
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("value", [True, 50.5, "50"])
def test_particles_of_the_wrong_type_are_refused(tmp_path, value):
    with pytest.raises(ValueError, match=r"--particles .* must be an integer"):
        generate("tracking", 2, 1, out=tmp_path / "t.root", options={"particles": value})


def test_cli_parses_particles_only_when_given():
    parser = build_parser()
    args = parser.parse_args(["data", "generate", "tracking", "--particles", "10000"])
    assert args.particles == 10000
    assert parser.parse_args(["data", "generate", "tracking"]).particles is None


def test_cli_refuses_a_non_integer_particles(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["data", "generate", "tracking", "--particles", "lots"])
    assert exit_info.value.code == 2
    assert "--particles: invalid int value: 'lots'" in capsys.readouterr().err


def test_runs_with_options_never_default_to_the_shipped_file():
    shipped = registry.shipped_path("tracking")
    spec = registry.get("tracking")
    assert default_output("tracking", spec.default_events, spec.default_seed) == shipped
    path = default_output("tracking", spec.default_events, spec.default_seed, {"particles": 10000})
    assert path == shipped.parent / "generated" / "tracking-49ev-seed20261130-particles10000.root"
    two = default_output("tracking", 3, 7, {"zeta": 1, "alpha": "x"})
    assert two.name == "tracking-3ev-seed7-alphax-zeta1.root"


def test_options_reach_the_plan_and_the_record(tmp_path):
    spec = dataclasses.replace(toy_dataset.SPEC, plan=_plan_with_scale, plan_options=("scale",))
    out = generate_spec(spec, 20, 1, out=tmp_path / "s.root", progress=False, options={"scale": 3})
    record = registry.read_sidecar(out)
    assert record["options"] == {"scale": 3} and record["n_events"] == 20
    # a run without options has no "options" field; None counts as not given
    plain = generate_spec(
        spec, 20, 1, out=tmp_path / "p.root", progress=False, options={"scale": None}
    )
    assert "options" not in registry.read_sidecar(plain)


def test_regenerate_command_repeats_the_recorded_options():
    from hepml_course.data import registry

    cmd = registry.regenerate_command("tracking", 3, 5, {"particles": 10000})
    assert cmd == "hepml-course data generate tracking --events 3 --seed 5 --particles 10000"
    assert registry.regenerate_command("tracking") == "hepml-course data generate tracking"
