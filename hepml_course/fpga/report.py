"""The per-model deployment table, beside public reference numbers.

Each row says where its resource numbers come from (``source``): ``vitis`` or
``vivado`` (vendor HLS C-synthesis estimates), or ``yosys`` (open-source synthesis
of the da4ml/conifer RTL, before place and route).  None of them are post-route
results; compare rows with the same source.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

#: keys of the ``fpga`` benchmark, per model
BENCH_KEYS = (
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
)


@dataclass
class ModelRow:
    """One deployed model.

    Attributes
    ----------
    name
        Model name (``float``, ``q6_p75`` ...).
    accuracy
        Test accuracy of the (Q)Keras model.
    weight_bits
        Weight bit width (16 for a float model deployed as ``ap_fixed<16,I>``).
    sparsity
        Fraction of zero weights.
    emulation_agreement
        Arg-max agreement of the hls4ml emulation's logits with Keras.
    latency_cycles
        Clock cycles from input to output (``None`` if no synthesis ran).
    clock_ns
        Clock period of the latency figure, ns.
    lut, ff, dsp, bram
        Resources (``None`` if no synthesis ran).
    source
        Tool that produced the latency and resources: ``vitis``, ``vivado`` or ``yosys``.
    critical_path_ns
        Yosys's routing-free estimate of the slowest register-to-register path, ns.
    emulation_bit_exact
        Fraction of hls4ml-emulated logits identical to Keras (1.0: bit-exact).
    note
        Why resources are missing (e.g. ``needs Vitis HLS`` for a float network).
    extra
        Further measurements (RTL mismatches, timing estimate, da4ml estimate ...).
    """

    name: str
    accuracy: float
    weight_bits: int
    sparsity: float
    emulation_agreement: float | None
    latency_cycles: int | None = None
    clock_ns: float | None = None
    lut: int | None = None
    ff: int | None = None
    dsp: int | None = None
    bram: int | None = None
    source: str | None = None
    critical_path_ns: float | None = None
    emulation_bit_exact: float | None = None
    note: str | None = None
    extra: dict = field(default_factory=dict)

    def bench(self) -> dict:
        """The benchmark's keys only."""
        d = asdict(self)
        return {k: d[k] for k in BENCH_KEYS}

    @property
    def latency_ns(self) -> float | None:
        """Latency in ns."""
        if self.latency_cycles is None or self.clock_ns is None:
            return None
        return self.latency_cycles * self.clock_ns


#: published numbers to compare with: the public hls4ml tutorial's Vitis HLS 2024.1 C-synthesis
#: estimates (Alveo U250, ``xcu250``, 5 ns clock); part 1 is the float network deployed as
#: ``ap_fixed<16,6>``, part 4 the QKeras 6-bit network with 75 % of its weights pruned
REFERENCES: list[dict] = [
    {
        "name": "tutorial_float",
        "accuracy": 0.7640,
        "weight_bits": 16,
        "sparsity": 0.0,
        "latency_cycles": 14,
        "clock_ns": 5.0,
        "lut": 101839,
        "dsp": 1502,
        "source": "Vitis HLS",
    },
    {
        "name": "tutorial_q6_p75",
        "accuracy": 0.7614,
        "weight_bits": 6,
        "sparsity": 0.75,
        "latency_cycles": 12,
        "clock_ns": 5.0,
        "lut": 42160,
        "dsp": 34,
        "source": "Vitis HLS",
    },
]


#: columns of :func:`table`
TABLE_COLUMNS = (
    "model",
    "accuracy",
    "zero weights",
    "bit-exact",
    "cycles",
    "ns",
    "LUT",
    "DSP",
    "source",
)


def _integral(value: float | None) -> float | int | None:
    """``75.0`` → ``75`` (a latency in whole ns reads as an integer); anything else unchanged."""
    return int(value) if isinstance(value, float) and value.is_integer() else value


def table(rows: list[ModelRow], with_references: bool = True) -> list[dict]:
    """Rows for :func:`hepml_course.tables.table`, one per model, references last.

    Columns (:data:`TABLE_COLUMNS`): ``model``, ``accuracy``, ``zero weights``
    (fraction), ``bit-exact`` (fraction of hls4ml-emulated logits identical to Keras),
    ``cycles`` and ``ns`` (latency), ``LUT``, ``DSP`` and ``source`` (the tool
    behind the latency and resources, or ``row.note`` saying why they are missing).
    A value that was not measured is ``None`` (shown as "–"), never NaN.
    """
    out = []
    for row in rows:
        values = (
            row.name,
            row.accuracy,
            row.sparsity,
            row.emulation_bit_exact,
            row.latency_cycles,
            _integral(row.latency_ns),
            row.lut,
            row.dsp,
            row.source or row.note or "not synthesised",
        )
        out.append(dict(zip(TABLE_COLUMNS, values, strict=True)))
    if with_references:
        for ref in REFERENCES:
            values = (
                ref["name"],
                ref["accuracy"],
                ref["sparsity"],
                None,
                ref["latency_cycles"],
                _integral(ref["latency_cycles"] * ref["clock_ns"]),
                ref["lut"],
                ref["dsp"],
                ref["source"],
            )
            out.append(dict(zip(TABLE_COLUMNS, values, strict=True)))
    return out


def frame(rows: list[ModelRow], with_references: bool = True) -> Any:
    """:func:`table` as a :class:`pandas.DataFrame` of ``object`` dtype.

    Integers stay integers next to missing values (a numeric column with ``None``
    would turn ``15`` into ``15.0`` and ``None`` into NaN).
    """
    import pandas as pd

    return pd.DataFrame(table(rows, with_references), columns=list(TABLE_COLUMNS), dtype=object)
