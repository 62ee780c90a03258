"""The build helper runs commands for the caller (which then never forks for g++)."""

from __future__ import annotations

from hepml_course.fpga import tools


def test_run_build_returns_exit_code_and_merged_output(tmp_path):
    result = tools.run_build(["sh", "-c", "pwd; echo oops >&2; exit 3"], cwd=tmp_path)
    assert result.returncode == 3
    assert result.stdout.splitlines() == [str(tmp_path), "oops"]


def test_run_build_shell_and_one_helper_process(tmp_path, monkeypatch):
    tools.start_build_helper()
    helper = tools._helper["proc"]
    monkeypatch.setenv("HEPML_TEST_VALUE", "42")
    result = tools.run_build("echo $HEPML_TEST_VALUE", cwd=tmp_path, shell=True)
    assert (result.returncode, result.stdout) == (0, "42\n")  # the caller's environment
    tools.start_build_helper()
    assert tools._helper["proc"] is helper and helper.poll() is None
