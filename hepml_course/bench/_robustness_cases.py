"""The bad inputs of ``python -m hepml_course.bench robustness``, one function per family.

Each case is a function ``case(tmp) -> Trial`` that prepares its input in the
private temporary folder ``tmp`` (copies of the shipped files, never ``data/``
itself) and returns what to call and how to judge it.  See
:mod:`hepml_course.bench.robustness` for the judging rules.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import io
import json
import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np

#: The real CMS files of the chapter-01 material (copied, never shipped by the bench).
CMS_DIR = Path(os.environ.get("HEPML_COURSE_CMS_DIR", "/work/shared/data/cms-open-data"))
CMS_FILES = {
    "Run2012BC_DoubleMuParked_Muons_1000evts_rntuple_v1-0-0-0.root": ("Events", 1000),
    "uproot-Zmumu.root": ("events", 2304),
    "uproot-HZZ.root": ("events", 2421),
    "nanoAOD_2015_CMS_Open_Data_ttbar.root": ("Events", 200),
}


@dataclasses.dataclass
class Trial:
    """One prepared bad (or, for controls, valid) input.

    Attributes
    ----------
    call
        Runs the package on the input; raises or returns.
    names
        Strings of which a clear message must contain at least one (the file's
        path or name, or the command-line argument).
    expect_ok
        True for controls: a valid input that must give ``check(result)``.
    check
        For controls: is the result right?
    intact
        Post-condition (e.g. "the user's file was not modified"); if it fails,
        the case is silent whatever was raised.
    """

    call: Callable[[], Any]
    names: list[str]
    expect_ok: bool = False
    check: Callable[[Any], bool] | None = None
    intact: Callable[[], bool] | None = None


class CliReported(Exception):
    """The ``hepml-course`` command printed this ``error: ...`` line (exit status 2)."""


# --- helpers ------------------------------------------------------------------
@contextlib.contextmanager
def data_dir(folder: Path) -> Iterator[None]:
    """Point ``HEPML_COURSE_DATA`` at ``folder`` for the duration of the block."""
    old = os.environ.get("HEPML_COURSE_DATA")
    os.environ["HEPML_COURSE_DATA"] = str(folder)
    try:
        yield
    finally:
        if old is None:
            os.environ.pop("HEPML_COURSE_DATA", None)
        else:
            os.environ["HEPML_COURSE_DATA"] = old


def copy_shipped(name: str, folder: Path) -> Path:
    """Copy a dataset's shipped file and record into ``folder``; return the copy."""
    from hepml_course.data import registry
    from hepml_course.data.paths import REPO_ROOT
    from hepml_course.data.rootio import sidecar_path

    src = REPO_ROOT / "data" / registry.get(name).filename
    folder.mkdir(parents=True, exist_ok=True)
    for path in (src, sidecar_path(src)):
        shutil.copy(path, folder / path.name)
    return folder / src.name


def sha(path: Path) -> str:
    """sha256 of a file (for "was it modified?" checks)."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def run_cli(argv: list[str]) -> Any:
    """Run ``hepml-course ARGV`` in-process; raise :class:`CliReported` on a clean error.

    An exception escaping ``main`` (a traceback for the user) propagates as is.
    """
    from hepml_course.cli import main

    err, out = io.StringIO(), io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(out):
        try:
            code = main(argv)
        except SystemExit as exc:  # argparse's own errors
            code = exc.code if isinstance(exc.code, int) else 2
    text = err.getvalue().strip()
    lines = [line for line in text.splitlines() if line.startswith("error:") or "error:" in line]
    if code == 2 and lines:
        raise CliReported(lines[-1] if "Traceback" not in text else text)
    if code != 0:
        raise RuntimeError(f"exit status {code}: {text}")
    return out.getvalue()


# --- damaged course data ----------------------------------------------------
def _load_shipped(name: str, folder: Path, **kwargs: Any) -> Callable[[], Any]:
    def call() -> Any:
        from hepml_course import data

        with data_dir(folder):
            return data.load(name, **kwargs)

    return call


def _damage(kind: str, path: Path) -> None:
    raw = path.read_bytes()
    rng = np.random.default_rng(len(raw))
    if kind == "truncated":
        path.write_bytes(raw[: len(raw) // 2])
    elif kind == "zeroed":
        middle = bytearray(raw)
        middle[len(raw) // 2 : len(raw) // 2 + 4096] = bytes(4096)
        path.write_bytes(bytes(middle))
    elif kind == "random":
        path.write_bytes(rng.integers(0, 256, len(raw), dtype=np.uint8).tobytes())
    elif kind == "empty":
        path.write_bytes(b"")
    else:
        raise ValueError(kind)


def file_damage_case(name: str, kind: str, verify: bool) -> Callable[[Path], Trial]:
    """The shipped file damaged (``kind``) under its original record."""

    def case(tmp: Path) -> Trial:
        path = copy_shipped(name, tmp)
        _damage(kind, path)
        return Trial(_load_shipped(name, tmp, verify_checksum=verify), [str(path), path.name])

    return case


RECORD_CONTENTS = {
    "not_json": "{sha256: oops",
    "empty": "",
    "json_list": '["sha256", "0"]',
    "sha_int": '{"sha256": 12345}',
    "sha_wrong": json.dumps({"sha256": "0" * 64}),
    "field_type": None,  # the real record with n_events as a string
    "binary": b"\xff\xfe\x00garbage",
}


def record_case(name: str, kind: str) -> Callable[[Path], Trial]:
    """The shipped record damaged: content ``kind``, or missing, or a folder."""
    from hepml_course.data.rootio import sidecar_path

    def case(tmp: Path) -> Trial:
        path = copy_shipped(name, tmp)
        side = sidecar_path(path)
        if kind == "missing":
            side.unlink()
        elif kind == "folder":
            side.unlink()
            side.mkdir()
        elif kind == "field_type":
            record = json.loads(side.read_text())
            side.write_text(json.dumps({**record, "n_events": "many"}))
        else:
            content = RECORD_CONTENTS[kind]
            if isinstance(content, bytes):
                side.write_bytes(content)
            else:
                side.write_text(content)
        return Trial(_load_shipped(name, tmp), [str(side), side.name, str(path)])

    return case


def missing_file_case(name: str, what: str) -> Callable[[Path], Trial]:
    """The shipped file missing, or a folder in its place."""

    def case(tmp: Path) -> Trial:
        path = copy_shipped(name, tmp)
        path.unlink()
        if what == "folder":
            path.mkdir()
        return Trial(_load_shipped(name, tmp), [str(path)])

    return case


def _retype_target(branches: list[Any]) -> tuple[str, str]:
    for branch in branches:
        if branch.dtype.startswith("float"):
            return branch.name, "int16"
    return branches[0].name, "float32"


def rewrite(name: str, dst: Path, change: str, n: int = 200) -> Any:
    """The first ``n`` entries of every tree rewritten with one change, with a valid record.

    ``change`` is ``"tree"`` (default tree renamed), ``"missing"`` (its first
    branch dropped), ``"extra"`` (a branch added), ``"retyped"`` (a float branch
    stored as int16) or ``"none"``.  Returns the expected default-tree fields.
    """
    import uproot

    from hepml_course.data import registry
    from hepml_course.data.rootio import (
        describe_file,
        sidecar_path,
        write_json_atomic,
        write_trees,
    )
    from hepml_course.data.spec import Branch

    spec = registry.get(name)
    handle = uproot.open(registry.shipped_path(name))
    schema: dict[str, list[Any]] = {}
    chunk: dict[str, dict[str, Any]] = {}
    for tree, branches in spec.trees.items():
        arrays = handle[tree].arrays([b.name for b in branches], entry_stop=n)
        chosen = list(branches)
        columns = {b.name: arrays[b.name] for b in chosen}
        key = tree
        if tree == spec.default_tree:
            if change == "tree":
                key = f"{tree}_v0"
            elif change == "missing":
                columns.pop(chosen.pop(0).name)
            elif change == "extra":
                chosen.append(Branch("zz_extra", "float32", "", "not in the schema"))
                columns["zz_extra"] = np.zeros(len(arrays), dtype=np.float32)
            elif change == "retyped":
                target, dtype = _retype_target(chosen)
                chosen = [
                    dataclasses.replace(b, dtype=dtype) if b.name == target else b for b in chosen
                ]
        schema[key], chunk[key] = chosen, columns
    write_trees(dst, schema, [chunk])
    record = describe_file(dst, dataset=name, n_events=n, seed=spec.default_seed)
    write_json_atomic(sidecar_path(dst), record)
    return len(
        handle[spec.default_tree].arrays([spec.trees[spec.default_tree][0].name], entry_stop=n)
    )


def schema_case(name: str, change: str) -> Callable[[Path], Trial]:
    """A course file at a user path with a valid record but another tree/branch layout."""

    def case(tmp: Path) -> Trial:
        from hepml_course import data
        from hepml_course.data import registry

        path = tmp / f"{name}-{change}.root"
        n = rewrite(name, path, change)
        if change == "extra":
            fields = set(data.load(name, entry_stop=1).fields)
            return Trial(
                lambda: data.load(name, path=path),
                [str(path)],
                expect_ok=True,
                check=lambda events: len(events) == n and set(events.fields) == fields,
            )
        tree = registry.get(name).default_tree
        return Trial(lambda: data.load(name, tree=tree, path=path), [str(path)])

    return case


# --- foreign files ------------------------------------------------------------
def _cms_copy(tmp: Path, file: str) -> Path:
    dst = tmp / file
    shutil.copy(CMS_DIR / file, dst)
    dst.chmod(0o644)
    return dst


def foreign_case(file: str, how: str) -> Callable[[Path], Trial]:
    """A real CMS file (copied into ``tmp``) used the wrong way, or read right (control)."""

    def case(tmp: Path) -> Trial:
        from hepml_course import data

        path = _cms_copy(tmp, file)
        before = sha(path)
        tree, entries = CMS_FILES[file]

        def unchanged() -> bool:
            return path.exists() and sha(path) == before

        calls: dict[str, Callable[[], Any]] = {
            "load": lambda: data.load("dimuon", path=path),
            "load_unchecked": lambda: data.load("dimuon", path=path, verify_checksum=False),
            "load_tree": lambda: data.load("dimuon", path=path, tree=tree),
            "generate_over": lambda: run_cli(
                ["data", "generate", "dimuon", "--events", "10", "--quiet", "--out", str(path)]
            ),
            "open_wrong_tree": lambda: data.open_file(path, tree=tree.swapcase()),
            "open_wrong_branch": lambda: data.open_file(path, rename={"Muon_ptt": "pt"}),
            "open_truncated": lambda: data.open_file(path),
        }
        if how == "open_truncated":
            path.write_bytes(path.read_bytes()[: path.stat().st_size // 3])
            return Trial(calls[how], [str(path)])
        if how == "open":
            return Trial(
                lambda: data.open_file(path, tree=tree),
                [str(path)],
                expect_ok=True,
                check=lambda events: len(events) == entries,
                intact=unchanged,
            )
        return Trial(calls[how], [str(path), "--out"], intact=unchanged)

    return case


# --- saved models -------------------------------------------------------------
@dataclasses.dataclass
class _Models:
    """One small fitted model saved once and copied by every model case."""

    folder: Path
    trojan: Path


_MODELS: dict[str, _Models] = {}


def _saved_models(root: Path) -> _Models:
    if "m" not in _MODELS:
        from hepml_course.nn import ClassifierReweighter, import_keras

        rng = np.random.default_rng(0)
        x = rng.normal(size=(200, 2))
        y = np.repeat([0, 1], 100)
        folder = root / "saved-reweighter"
        ClassifierReweighter(hidden=(4,), epochs=1, batch_size=64).fit(x, y, seed=1).save(folder)
        keras = import_keras()
        marker = root / "trojan-ran"
        payload = eval(f"lambda x: (open({str(marker)!r}, 'w').write('ran'), x)[1]")
        inp = keras.Input((16,))
        out = keras.layers.Dense(5)(keras.layers.Lambda(payload)(inp))
        trojan = root / "trojan.keras"
        keras.Model(inp, out).save(trojan)
        marker.unlink(missing_ok=True)
        _MODELS["m"] = _Models(folder, trojan)
    return _MODELS["m"]


def _resign(record_path: Path, change: Callable[[dict], None]) -> None:
    """Edit a model record and recompute its own sha256 (a forged or hand-edited record)."""
    from hepml_course.nn.artifacts import sha256_json

    record = json.loads(record_path.read_text())
    change(record)
    record.pop("record_sha256", None)
    record["record_sha256"] = sha256_json(record)
    record_path.write_text(json.dumps(record))


def model_case(kind: str, models_root: Path) -> Callable[[Path], Trial]:
    """A saved model (or a .keras file) damaged, tampered or forged in one way."""

    def case(tmp: Path) -> Trial:
        from hepml_course.nn import load_model
        from hepml_course.nn.artifacts import load_keras_file

        models = _saved_models(models_root)
        folder = tmp / "model"
        shutil.copytree(models.folder, folder)
        record = folder / "record.json"
        weights = next(p for p in folder.iterdir() if p.name.endswith(".weights.h5"))
        load = lambda: load_model(folder)  # noqa: E731
        names = [str(folder), str(weights), str(record)]
        if kind == "weights_flipped":
            raw = bytearray(weights.read_bytes())
            raw[len(raw) // 2] ^= 0xFF
            weights.write_bytes(bytes(raw))
        elif kind == "weights_truncated":
            weights.write_bytes(weights.read_bytes()[:100])
        elif kind == "weights_missing":
            weights.unlink()
        elif kind == "weights_folder":
            weights.unlink()
            weights.mkdir()
        elif kind == "weights_random_resigned":
            weights.write_bytes(np.random.default_rng(1).bytes(weights.stat().st_size))
            _resign(record, lambda r: r["files"].update({weights.name: sha(weights)}))
        elif kind == "record_not_json":
            record.write_text("{oops")
        elif kind == "record_empty":
            record.write_text("")
        elif kind == "record_list":
            record.write_text("[1, 2]")
        elif kind == "record_missing":
            record.unlink()
        elif kind == "record_folder":
            record.unlink()
            record.mkdir()
        elif kind == "record_edited":
            data = json.loads(record.read_text())
            data["params"]["epochs"] = 99
            record.write_text(json.dumps(data))
        elif kind == "record_files_wrong_type":
            _resign(record, lambda r: r.update(files=[1, 2]))
        elif kind == "record_no_params":
            _resign(record, lambda r: r.pop("params"))
        elif kind == "record_unknown_param":
            _resign(record, lambda r: r["params"].update(no_such_parameter=1))
        elif kind == "record_foreign_class":
            _resign(record, lambda r: r.update({"class": "os.system"}))
        elif kind == "record_escaping_file":
            _resign(record, lambda r: r["files"].update({"../../etc/passwd": "0" * 64}))
        elif kind == "path_missing":
            shutil.rmtree(folder)
        elif kind == "path_is_file":
            shutil.rmtree(folder)
            folder.write_text("not a model")
        elif kind.startswith("keras_"):
            target = tmp / "net.keras"
            names = [str(target)]
            if kind == "keras_trojan":
                shutil.copy(models.trojan, target)
                marker = models_root / "trojan-ran"
                return Trial(
                    lambda: load_keras_file(target), names, intact=lambda: not marker.exists()
                )
            if kind == "keras_random":
                target.write_bytes(np.random.default_rng(2).bytes(4000))
            elif kind == "keras_folder":
                target.mkdir()
            return Trial(lambda: load_keras_file(target), names)
        else:
            raise ValueError(kind)
        return Trial(load, names)

    return case


MODEL_KINDS = (
    "weights_flipped",
    "weights_truncated",
    "weights_missing",
    "weights_folder",
    "weights_random_resigned",
    "record_not_json",
    "record_empty",
    "record_list",
    "record_missing",
    "record_folder",
    "record_edited",
    "record_files_wrong_type",
    "record_no_params",
    "record_unknown_param",
    "record_foreign_class",
    "record_escaping_file",
    "path_missing",
    "path_is_file",
    "keras_trojan",
    "keras_random",
    "keras_folder",
    "keras_missing",
)


# --- command-line arguments -------------------------------------------------
def cli_case(
    args: list[str], names: list[str], setup: str | None = None
) -> Callable[[Path], Trial]:
    """``hepml-course ARGS`` with ``{tmp}`` substituted; ``setup`` prepares a file first."""

    def case(tmp: Path) -> Trial:
        argv = [a.replace("{tmp}", str(tmp)) for a in args]
        wanted = [n.replace("{tmp}", str(tmp)) for n in names]
        if setup == "file":
            (tmp / "afile").write_text("x")
        elif setup == "foreign":
            (tmp / "mine.root").write_bytes(b"my analysis output")
            before = sha(tmp / "mine.root")
            return Trial(
                lambda: run_cli(argv), wanted, intact=lambda: sha(tmp / "mine.root") == before
            )
        elif setup == "trojan":
            models = _saved_models(tmp.parent / "_models")
            shutil.copy(models.trojan, tmp / "net.keras")
            (tmp / "scaler.json").write_text(json.dumps({"mean": [0.0] * 16, "scale": [1.0] * 16}))
        elif setup == "h5":
            (tmp / "net.h5").write_bytes(b"\x89HDF\r\n\x1a\n" + bytes(100))
        elif setup == "bad_record":
            copy_shipped("dimuon", tmp)
            (tmp / "dimuon.root.json").write_text("{oops")
            return Trial(lambda: _cli_in(tmp, argv), wanted)
        elif setup == "data_folder":
            copy_shipped("dimuon", tmp).unlink()
            (tmp / "dimuon.root").mkdir()
            return Trial(lambda: _cli_in(tmp, argv), wanted)
        return Trial(lambda: run_cli(argv), wanted)

    return case


def _cli_in(folder: Path, argv: list[str]) -> Any:
    with data_dir(folder):
        return run_cli(argv)


def _closed_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def cli_cases() -> dict[str, Callable[[Path], Trial]]:
    """Bad ``hepml-course`` arguments: each must give one ``error:`` line naming it."""
    gen = ["data", "generate", "dimuon", "--quiet"]
    out = ["--out", "{tmp}/x.root"]
    fpga = ["fpga", "--out", "{tmp}/o"]
    return {
        "cli/generate/events_negative": cli_case([*gen, "--events", "-5", *out], ["--events"]),
        "cli/generate/events_zero": cli_case([*gen, "--events", "0", *out], ["--events"]),
        "cli/generate/events_huge": cli_case(
            [*gen, "--events", "100000000000", *out], ["--events"]
        ),
        "cli/generate/events_float": cli_case([*gen, "--events", "1e11", *out], ["--events"]),
        "cli/generate/events_text": cli_case([*gen, "--events", "many", *out], ["--events"]),
        "cli/generate/seed_negative": cli_case([*gen, "--seed", "-1", *out], ["--seed"]),
        "cli/generate/workers_zero": cli_case([*gen, "--workers", "0", *out], ["--workers"]),
        "cli/generate/workers_huge": cli_case([*gen, "--workers", "100000", *out], ["--workers"]),
        "cli/generate/out_under_file": cli_case(
            [*gen, "--events", "10", "--out", "{tmp}/afile/x.root"], ["{tmp}/afile"], "file"
        ),
        "cli/generate/out_is_folder": cli_case(
            [*gen, "--events", "10", "--out", "{tmp}"], ["{tmp}"]
        ),
        "cli/generate/out_under_sys": cli_case(
            [*gen, "--events", "10", "--out", "/sys/hepml-course.root"], ["/sys"]
        ),
        "cli/generate/out_under_proc": cli_case(
            [*gen, "--events", "10", "--out", "/proc/hepml-course/x.root"], ["/proc"]
        ),
        "cli/generate/out_dev_null": cli_case(
            [*gen, "--events", "10", "--out", "/dev/null", "--force"], ["/dev/null"]
        ),
        "cli/generate/out_foreign_file": cli_case(
            [*gen, "--events", "10", "--out", "{tmp}/mine.root"], ["{tmp}/mine.root"], "foreign"
        ),
        "cli/generate/dask_unreachable": cli_case(
            [*gen, "--events", "10", "--dask", f"tcp://127.0.0.1:{_closed_port()}", *out],
            ["--dask"],
        ),
        "cli/generate/unknown_dataset": cli_case(
            ["data", "generate", "nope", "--quiet", *out], ["'nope'"]
        ),
        "cli/info/unknown_dataset": cli_case(["data", "info", "nope"], ["'nope'"]),
        "cli/verify/unknown_dataset": cli_case(["data", "verify", "nope"], ["'nope'"]),
        "cli/verify/bad_record": cli_case(
            ["data", "verify", "dimuon"], ["{tmp}/dimuon.root.json"], "bad_record"
        ),
        "cli/verify/data_file_is_folder": cli_case(
            ["data", "verify", "dimuon"], ["{tmp}/dimuon.root"], "data_folder"
        ),
        "cli/info/bad_record": cli_case(
            ["data", "info", "dimuon"], ["{tmp}/dimuon.root.json"], "bad_record"
        ),
        "cli/fpga/missing_model": cli_case(
            [*fpga[:1], "{tmp}/none.keras", *fpga[1:]], ["none.keras"]
        ),
        "cli/fpga/clock_negative": cli_case(
            [*fpga[:1], "{tmp}/none.keras", *fpga[1:], "--clock-ns", "-1"], ["--clock-ns"]
        ),
        "cli/fpga/legacy_h5": cli_case([*fpga[:1], "{tmp}/net.h5", *fpga[1:]], ["net.h5"], "h5"),
        "cli/fpga/embedded_code": cli_case(
            [*fpga[:1], "{tmp}/net.keras", "--scaler", "{tmp}/scaler.json", *fpga[1:]],
            ["net.keras"],
            "trojan",
        ),
    }
