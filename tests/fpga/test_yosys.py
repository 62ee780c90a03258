import pytest

from hepml_course.fpga import yosys
from tests.fpga.conftest import need

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
