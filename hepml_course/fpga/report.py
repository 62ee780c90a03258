"""The per-model deployment table, beside public reference numbers.

Each row says where its resource numbers come from (``source``): ``vitis`` or
``vivado`` (vendor HLS C-synthesis estimates), or ``yosys`` (open-source synthesis
of the da4ml/conifer RTL, before place and route).  None of them are post-route
results; compare rows with the same source.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

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


#: published numbers to compare with (all vendor HLS estimates)
REFERENCES: list[dict] = [
    {
        "name": "hls4ml tutorial: Keras float → ap_fixed<16,6>",
        "accuracy": 0.7640,
        "weight_bits": 16,
        "sparsity": 0.0,
        "latency_cycles": 14,
        "clock_ns": 5.0,
        "lut": 101839,
        "dsp": 1502,
        "source": "hls4ml tutorial part 1 (Vitis HLS 2024.1, xcu250, 5 ns clock)",
    },
    {
        "name": "hls4ml tutorial: QKeras 6-bit + 75 % pruned",
        "accuracy": 0.7614,
        "weight_bits": 6,
        "sparsity": 0.75,
        "latency_cycles": 12,
        "clock_ns": 5.0,
        "lut": 42160,
        "dsp": 34,
        "source": "hls4ml tutorial part 4 (Vitis HLS 2024.1, xcu250, 5 ns clock)",
    },
]


def table(rows: list[ModelRow], with_references: bool = True) -> list[dict]:
    """Rows as dictionaries for a :class:`pandas.DataFrame`, references last.

    Missing resources read ``row.note`` (e.g. ``needs Vitis HLS``) instead of an empty cell.
    """
    out = []
    for row in rows:
        missing = row.note or "not synthesised"
        out.append(
            {
                "model": row.name,
                "accuracy": row.accuracy,
                "bits": row.weight_bits,
                "sparsity": row.sparsity,
                "agreement": row.emulation_agreement,
                "bit-exact": row.emulation_bit_exact,
                "cycles": row.latency_cycles,
                "ns": row.latency_ns,
                "LUT": row.lut if row.lut is not None else missing,
                "FF": row.ff if row.ff is not None else missing,
                "DSP": row.dsp if row.dsp is not None else missing,
                "BRAM": row.bram if row.bram is not None else missing,
                "path ns": row.critical_path_ns,
                "source": row.source or missing,
            }
        )
    if with_references:
        for ref in REFERENCES:
            out.append(
                {
                    "model": ref["name"],
                    "accuracy": ref["accuracy"],
                    "bits": ref["weight_bits"],
                    "sparsity": ref["sparsity"],
                    "agreement": None,
                    "bit-exact": None,
                    "cycles": ref["latency_cycles"],
                    "ns": ref["latency_cycles"] * ref["clock_ns"],
                    "LUT": ref["lut"],
                    "FF": None,
                    "DSP": ref["dsp"],
                    "BRAM": None,
                    "path ns": None,
                    "source": ref["source"],
                }
            )
    return out
