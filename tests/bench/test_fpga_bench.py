"""The fpga benchmark keeps its keys and measures bit-exactness (tiny run)."""

from __future__ import annotations

from hepml_course.bench import load

KEYS = {
    "accuracy",
    "weight_bits",
    "sparsity",
    "emulation_agreement",
    "latency_cycles",
    "clock_ns",
    "lut",
    "ff",
    "dsp",
    "bram",
    "source",
    "critical_path_ns",
    "emulation_bit_exact",
    "rtl_bit_exact",
}


def test_fpga_benchmark_row_has_its_keys_and_is_bit_exact(tmp_path):
    result = load("fpga").run(
        [
            "--max-jets", "1500", "--epochs", "1", "--models", "q4",
            "--no-synth", "--no-verilator", "--out", str(tmp_path),
        ]
    )  # fmt: skip
    row = result["models"]["q4"]
    assert set(row) == KEYS
    assert row["emulation_bit_exact"] == 1.0
    assert row["rtl_bit_exact"] is None  # --no-verilator: not simulated, and said so
    assert 0.2 < row["accuracy"] <= 1.0
