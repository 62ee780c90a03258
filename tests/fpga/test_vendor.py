import os
import stat

import pytest

from hepml_course.fpga import vendor

CSYNTH_XML = """<?xml version="1.0" encoding="UTF-8"?>
<profile>
  <ReportVersion><Version>2024.1</Version></ReportVersion>
  <UserAssignments>
    <unit>ns</unit>
    <Part>xcu250-figd2104-2L-e</Part>
    <TopModelName>tagger</TopModelName>
    <TargetClockPeriod>5.00</TargetClockPeriod>
  </UserAssignments>
  <PerformanceEstimates>
    <SummaryOfTimingAnalysis><unit>ns</unit><EstimatedClockPeriod>4.368</EstimatedClockPeriod>
    </SummaryOfTimingAnalysis>
    <SummaryOfOverallLatency>
      <unit>clock cycles</unit>
      <Best-caseLatency>11</Best-caseLatency>
      <Worst-caseLatency>12</Worst-caseLatency>
      <Interval-min>1</Interval-min>
      <Interval-max>1</Interval-max>
    </SummaryOfOverallLatency>
  </PerformanceEstimates>
  <AreaEstimates>
    <Resources><BRAM_18K>4</BRAM_18K><DSP>34</DSP><FF>9876</FF><LUT>42160</LUT><URAM>0</URAM>
    </Resources>
  </AreaEstimates>
</profile>
"""


def test_parse_csynth_xml():
    report = vendor.parse_csynth_xml(CSYNTH_XML, tool="vitis")
    assert report.latency_cycles == 12 and report.interval == 1
    assert report.clock_ns == 5.0 and report.latency_ns == 60.0
    assert report.estimated_clock_ns == pytest.approx(4.368)
    assert (report.dsp, report.lut, report.ff, report.bram) == (34, 42160, 9876, 4)
    assert report.part.startswith("xcu250")


def test_parse_older_dsp48e_tag():
    text = CSYNTH_XML.replace("<DSP>34</DSP>", "<DSP48E>7</DSP48E>")
    assert vendor.parse_csynth_xml(text, tool="vivado").dsp == 7


@pytest.mark.parametrize("text", ["not xml", "<profile><UserAssignments/></profile>"])
def test_parse_rejects_non_reports(text):
    with pytest.raises(ValueError):
        vendor.parse_csynth_xml(text)


def test_find_report(tmp_path):
    assert vendor.find_csynth_report(tmp_path) is None
    rpt = tmp_path / "tagger_prj" / "solution1" / "syn" / "report" / "tagger_csynth.xml"
    rpt.parent.mkdir(parents=True)
    rpt.write_text(CSYNTH_XML)
    assert vendor.find_csynth_report(tmp_path) == rpt


def test_detection_without_tools_says_so(tmp_path):
    tools = vendor.detect_vendor_tools({"PATH": str(tmp_path)})
    assert not tools.available("Vitis") and not tools.available("Vivado")
    assert "No vendor HLS tools found" in tools.summary()


def test_detection_finds_executables_and_settings(tmp_path):
    exe = tmp_path / "bin" / "vitis-run"
    exe.parent.mkdir()
    exe.write_text("#!/bin/sh\n")
    exe.chmod(exe.stat().st_mode | stat.S_IEXEC)
    on_path = vendor.detect_vendor_tools({"PATH": str(exe.parent)})
    assert on_path.available("Vitis") and not on_path.available("Vivado")
    via_var = vendor.detect_vendor_tools({"PATH": "", "XILINX_VITIS": str(tmp_path)})
    assert via_var.available("Vitis") and via_var.variables == {"XILINX_VITIS": str(tmp_path)}


def test_vendor_synthesis_skips_cleanly(capsys):
    class NoBuild:
        def build(self, **kwargs):
            raise AssertionError("build() must not be called without vendor tools")

    tools = vendor.detect_vendor_tools({"PATH": os.devnull})
    assert vendor.vendor_synthesis(NoBuild(), "Vitis", tools) is None
    assert "vendor synthesis skipped" in capsys.readouterr().out
