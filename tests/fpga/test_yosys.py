import pytest

from hepml_course.fpga import yosys
from hepml_course.fpga.tools import which


def need(tool: str) -> None:
    if which(tool) is None:
        pytest.skip(f"{tool} is not installed")


STAT = """
=== tagger ===

   Number of wires:               1200
   Number of cells:               1030
     CARRY8                         40
     FDRE                          300
     LUT2                          200
     LUT3                          150
     LUT6                          320
     RAMB36E2                        1
     DSP48E2                         2
     SRL16E                          5
     IBUF                           17

"""


def test_parse_stat_and_resources():
    cells = yosys.parse_stat("noise\n" + STAT)
    assert cells["LUT6"] == 320 and cells["FDRE"] == 300
    res = yosys.resources_from_cells(cells)
    assert res == {"lut": 675, "ff": 300, "dsp": 2, "bram": 2, "carry": 40}


def test_parse_stat_needs_a_stat_block():
    with pytest.raises(ValueError, match="Number of cells"):
        yosys.parse_stat("synthesis crashed")


def test_parse_sta():
    text = "Latest arrival time in 'top' is 2345:\n ..."
    assert yosys.parse_sta(text) == pytest.approx(2.345)
    assert yosys.parse_sta("nothing") is None


def test_synthesize_a_small_adder(tmp_path):
    need("yosys")
    src = tmp_path / "add.v"
    src.write_text(
        "module add(input clk, input [7:0] a, input [7:0] b, output reg [8:0] s);\n"
        "always @(posedge clk) s <= a + b;\nendmodule\n"
    )
    res = yosys.synthesize([src], "add", tmp_path / "y")
    assert res.ff == 9 and res.dsp == 0 and 1 <= res.lut <= 20
    assert res.tool == "yosys"


def _tiny_design():
    """A da4ml adder graph of a 6 → 4 → 3 ReLU network with 4-bit weights (no Keras)."""
    import numpy as np
    from da4ml.trace import FixedVariableArray, HWConfig, comb_trace

    from hepml_course.fpga.preprocess import FixedPoint
    from hepml_course.fpga.rtl import RTLDesign

    rng = np.random.default_rng(5)
    inp = FixedVariableArray.from_kif(np.ones(6), np.full(6, 3), np.full(6, 4), HWConfig(1, -1, -1))
    hidden = (inp @ (rng.integers(-8, 8, size=(6, 4)) / 8.0)).relu()
    out = hidden @ (rng.integers(-8, 8, size=(4, 3)) / 8.0)
    return RTLDesign(comb_trace(inp, out), FixedPoint(8, 4), "out", 0.0)


def test_pipelining_shortens_the_critical_path(tmp_path):
    """A da4ml design: registers cut the Yosys critical path; combinational has no FF."""
    need("yosys")
    from hepml_course.fpga import rtl

    design = _tiny_design()
    comb = rtl.write_verilog(design, tmp_path / "comb")
    piped = rtl.write_verilog(design, tmp_path / "piped", latency_cutoff=design.delay / 3)
    assert piped.latency_cycles >= 2
    res_comb = yosys.synthesize_project(comb)
    res_piped = yosys.synthesize_project(piped)
    assert res_comb.ff == 0 and res_piped.ff > 0 and res_comb.dsp == 0
    assert res_comb.lut > 10 and res_piped.lut > 10
    assert res_comb.critical_path_ns is not None and res_piped.critical_path_ns is not None
    assert res_piped.critical_path_ns < 0.8 * res_comb.critical_path_ns
    assert res_piped.fmax_mhz > res_comb.fmax_mhz
    assert res_comb.meets_clock(1000.0) and not res_comb.meets_clock(0.01)


def test_vhdl_projects_are_refused(tmp_path):
    from hepml_course.fpga import rtl

    vhdl = rtl.write_verilog(_tiny_design(), tmp_path / "vhdl", flavor="vhdl")
    with pytest.raises(ValueError, match="flavor='verilog'"):
        yosys.synthesize_project(vhdl)
