"""Render stored benchmark records as MyST tables for the instructor guide.

One renderer per benchmark; a benchmark without a stored record gets a line
saying how to record it. Numbers are rounded to 3 significant digits.
"""

from __future__ import annotations

from collections.abc import Callable

from hepml_course.tables import format_number

#: Order and titles of the sections.
SECTIONS: list[tuple[str, str]] = [
    ("notebooks", "Chapter notebooks: time, memory, clean pages, learner mode"),
    ("classification", "Classification: jet taggers"),
    ("regression", "Regression: energy calibration"),
    ("tracking", "Tracking with graph neural networks"),
    ("calo-sim", "The reference calorimeter simulator"),
    ("generative", "Generative simulation"),
    ("unfolding", "Unfolding"),
    ("anomaly", "Anomaly-detection trigger"),
    ("fpga", "FPGA deployment"),
    ("systematics", "Uncertainties, systematics and domain shift"),
    ("foundation", "Foundation models: pre-training and fine-tuning"),
    ("sbi", "Simulation-based inference"),
]


def _table(header: list[str], rows: list[list[object]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    for row in rows:
        lines.append("| " + " | ".join(format_number(v) for v in row) + " |")
    return "\n".join(lines) + "\n"


def _source(entry: dict) -> str:
    machine = entry.get("machine", {})
    load = machine.get("load_average_at_start")
    busy = f", load average {format_number(load)} at start" if load is not None else ""
    return (
        f"*Measured with `{entry['command']}` on {entry['date']} "
        f"({machine.get('cpus', '?')} CPUs{busy}, Python {machine.get('python', '?')}, "
        f"{format_number(entry.get('duration_s'))} s); "
        f"record: `book/bench/{entry['benchmark']}.json`.*\n"
    )


def _flat(value: object, prefix: str = "") -> list[tuple[str, object]]:
    if isinstance(value, dict):
        out = []
        for key, item in value.items():
            out += _flat(item, f"{prefix}.{key}" if prefix else str(key))
        return out
    if isinstance(value, list):
        return [(prefix, ", ".join(format_number(v) for v in value))]
    return [(prefix, value)]


def _generic(result: dict) -> str:
    return _table(["quantity", "value"], [[k, v] for k, v in _flat(result)])


def _notebooks(result: dict) -> str:
    rows = [
        [
            name,
            r.get("wall_s"),
            r.get("cpu_s"),
            r.get("peak_rss_mb"),
            r.get("noise"),
            r.get("learner_mode_ok"),
            r.get("within_budget"),
        ]
        for name, r in result.items()
    ]
    header = ["chapter", "wall [s]", "CPU [s]", "peak memory [MB]", "noise", "learner mode ok"]
    return _table([*header, "within 120 s / 1.5 GB"], rows)


def _classification(result: dict) -> str:
    models = result["models"]
    classes = list(next(iter(models.values()))["auc"])
    header = ["model", "accuracy", *[f"AUC {c}" for c in classes], "parameters", "train [s]"]
    rows = [
        [name, m["accuracy"], *[m["auc"][c] for c in classes], m.get("n_params"), m.get("train_s")]
        for name, m in models.items()
    ]
    dataset = f" of `{result['dataset']}`" if "dataset" in result else ""
    head = f"{result.get('n_train')} training jets, {result.get('n_test')} test jets{dataset}.\n\n"
    return head + _table(header, rows)


def _foundation(result: dict) -> str:
    pre = result["pretrain"]
    head = (
        f"Backbone: {format_number(pre['n_params'])} parameters, pre-trained "
        f"({pre['objective']}) on {format_number(pre['n_jets'])} unlabelled jets in "
        f"{format_number(pre['train_s'])} s; {format_number(result.get('n_test'))} test jets.\n\n"
    )
    header = ["labelled jets per class", "from scratch", "fine-tuned", "DNN (16 features)"]
    header += ["AUC top: scratch", "AUC top: fine-tuned", "rates: scratch / fine-tuned"]
    rows = [
        [
            n,
            r["scratch_acc"],
            r["finetuned_acc"],
            r["dnn_acc"],
            r["scratch_auc_top"],
            r["finetuned_auc_top"],
            f"{r['scratch_learning_rate']:g} / {r['finetuned_learning_rate']:g}"
            if "finetuned_learning_rate" in r
            else "–",  # records from before the per-budget rates
        ]
        for n, r in sorted(result["curves"].items(), key=lambda kv: int(kv[0]))
    ]
    text = head + "Accuracy (5 classes) and top-vs-rest AUC:\n\n" + _table(header, rows)
    transfer = result.get("transfer")
    if transfer:
        text += "\nW vs Z (cross-task transfer):\n\n" + _table(
            ["labelled W + Z jets", "AUC from scratch", "AUC fine-tuned"],
            [[transfer["n_train"], transfer["scratch_auc"], transfer["finetuned_auc"]]],
        )
    return text


def _regression(result: dict) -> str:
    models = result["models"]
    summary = _table(
        ["model", "stochastic a [√GeV]", "constant c", "pull width"],
        [
            [n, m.get("stochastic_a"), m.get("constant_c"), m.get("pull_width")]
            for n, m in models.items()
        ],
    )
    bins = list(next(iter(models.values()))["sigma_eff_rel"])
    resolution = _table(
        ["model", *[f"σ_eff/E {b} GeV" for b in bins]],
        [[n, *[m["sigma_eff_rel"][b] for b in bins]] for n, m in models.items()],
    )
    return summary + "\n" + resolution


def _tracking(result: dict) -> str:
    baseline = result.get("baseline", {})
    rows = [
        [
            "Interaction Network",
            result["edge_efficiency"],
            result["edge_purity"],
            result["track_efficiency"],
            result["fake_rate"],
            result.get("duplicate_rate"),
            result.get("trackml_score"),
        ],
        [
            "triplet baseline",
            None,
            None,
            baseline.get("track_efficiency"),
            baseline.get("fake_rate"),
            baseline.get("duplicate_rate"),
            baseline.get("trackml_score"),
        ],
    ]
    header = [
        "method",
        "edge efficiency",
        "edge purity",
        "track efficiency",
        "fake rate",
        "duplicate rate",
        "TrackML score",
    ]
    text = _table(header, rows)
    by_n = result.get("by_multiplicity")
    if by_n:
        text += (
            f"\nBy density ({result.get('events', 'events')}; CPU time per event, "
            "peak memory above the process baseline):\n\n"
        )
        text += _table(
            [
                "pions",
                "hits",
                "edges/hit into GNN",
                "true edges/hit",
                "track eff.",
                "fake",
                "duplicate",
                "TrackML",
                "baseline eff.",
                "graph [ms]",
                "filter [ms]",
                "GNN [ms]",
                "tracks [ms]",
                "total [ms]",
                "peak memory [MB]",
            ],
            [
                [
                    n,
                    m["hits"],
                    m["edges_per_hit"],
                    m["true_edges_per_hit"],
                    m["track_efficiency"],
                    m["fake_rate"],
                    m["duplicate_rate"],
                    m["trackml_score"],
                    m["baseline_track_efficiency"],
                    *(m["time_ms"][k] for k in ("graph", "filter", "gnn", "tracks", "total")),
                    m["peak_rss_mb"],
                ]
                for n, m in by_n.items()
            ],
        )
    scaling = result.get("scaling")
    if scaling:
        text += "\n" + _table(
            ["hits per event", "whole chain, wall [s]"],
            [[n, t] for n, t in zip(scaling["n_hits"], scaling["seconds"], strict=True)],
        )
        text += f"\nFitted exponent of wall time vs hits: {format_number(scaling.get('exponent'))}."
        if "exponent_total" in scaling:
            stages = ", ".join(
                f"{k} {format_number(v)}" for k, v in scaling["exponent_by_stage"].items()
            )
            low, high = scaling["fit_range"]
            text += (
                f" CPU time vs pions over {low}–{high}: whole chain "
                f"{format_number(scaling['exponent_total'])} ({stages})."
            )
        text += "\n"
    return text


def _generative(result: dict) -> str:
    groups = ["energies", "centroids", "widths", "sparsity"]

    def row(name: str, g: dict, speed: object, speed_up: object, n_train: object) -> list:
        by_group = g.get("auc_by_group", {})
        return [
            name,
            g.get("auc_high_level"),
            g.get("auc_low_level"),
            *[by_group.get(k) for k in groups],
            g.get("fpd"),
            speed,
            speed_up,
            n_train,
        ]

    rows = [
        row(n, g, g.get("showers_per_s"), g.get("speed_up_at_50_gev"), g.get("n_train_showers"))
        for n, g in result["generators"].items()
    ]
    ref = result.get("reference", {})
    speeds = ref.get("showers_per_s", {})
    rows.append(row("simulator vs itself", ref, speeds.get("50") or speeds.get("50.0"), 1, None))
    header = [
        "generator",
        "AUC high-level",
        "AUC low-level",
        *[f"AUC {k}" for k in groups],
        "FPD",
        "showers/s (50 GeV)",
        "speed-up",
        "training showers",
    ]
    return _table(header, rows)


def _calo_sim(result: dict) -> str:
    speeds = result["showers_per_s"]
    spots = result.get("spots_per_shower", {})
    return _table(
        ["energy [GeV]", "showers/s", "spots per shower"],
        [[e, s, spots.get(e)] for e, s in speeds.items()],
    )


def _unfolding(result: dict) -> str:
    observables = list(result["omnifold"])
    rows = [
        [
            obs,
            result["omnifold"][obs]["chi2_ndf"],
            result["ibu"][obs]["chi2_ndf"],
            result["prior"][obs]["chi2_ndf"],
            result["omnifold"][obs].get("triangular"),
            result["ibu"][obs].get("triangular"),
            result.get("closure", {}).get(obs),
        ]
        for obs in observables
    ]
    header = [
        "observable",
        "χ²/ndf OmniFold",
        "χ²/ndf IBU",
        "χ²/ndf prior",
        "Δ OmniFold",
        "Δ IBU",
        "closure χ²/ndf",
    ]
    return _table(header, rows)


def _anomaly(result: dict) -> str:
    parts = []
    triggers = [("model", n, e) for n, e in result["models"].items()]
    triggers += [("baseline", n, e) for n, e in result.get("baselines", {}).items()]
    signals = list(triggers[0][2])
    for rate in triggers[0][2][signals[0]]:
        rows = [[kind, name, *[eff[s][rate] for s in signals]] for kind, name, eff in triggers]
        parts.append(f"Signal efficiency at a background rate of {rate} kHz:\n\n")
        parts.append(_table(["kind", "trigger", *signals], rows) + "\n")
    dqm = result.get("dqm", {})
    if dqm:
        parts.append(
            _table(
                ["DQM fault", "detection rate", "false-alarm rate"],
                [[f, d.get("detection_rate"), d.get("false_rate")] for f, d in dqm.items()],
            )
        )
    return "".join(parts)


def _fpga(result: dict) -> str:
    keys = [
        "accuracy",
        "weight_bits",
        "sparsity",
        "latency_cycles",
        "lut",
        "ff",
        "dsp",
        "critical_path_ns",
        "emulation_bit_exact",
        "rtl_bit_exact",
        "source",
    ]
    header = [
        "model",
        "accuracy",
        "weight bits",
        "sparsity",
        "latency [cycles]",
        "LUT",
        "FF",
        "DSP",
        "critical path [ns]",
        "emulation bit-exact",
        "RTL bit-exact",
        "source",
    ]
    rows = [[n, *[m.get(k) for k in keys]] for n, m in result["models"].items()]
    return _table(header, rows)


def _sbi(result: dict) -> str:
    rows = []
    for method in ("template", "learned"):
        m = result[method]
        inputs = m.get("observable") or f"all {len(m.get('observables', []))}"
        rows.append(
            [
                method,
                inputs,
                m["coverage68"],
                m.get("coverage68_error"),
                m.get("coverage95"),
                m.get("mean_width68"),
                m.get("bias"),
            ]
        )
    header = [
        "method",
        "observables",
        "coverage 68 %",
        "± (binomial)",
        "coverage 95 %",
        "mean 68 % width",
        "bias",
    ]
    intro = (
        f"{result['parameter']}, true value {result['true_value']:g}; "
        f"{result['n_toys']} pseudo-experiments of {result.get('toy_size', '?')} events; "
        f"learned / template 68 % width: {format_number(result['width_ratio_68'])}.\n\n"
    )
    return intro + _table(header, rows)


def _systematics(result: dict) -> str:
    parts = []
    dec = result.get("decorrelation")
    if dec:
        rows = [
            [
                m,
                dec[m].get("strength"),
                dec[m]["rej50"],
                dec[m]["jsd_mass"],
                dec[m].get("jsd_floor"),
                dec[m].get("dcor_mass"),
            ]
            for m in ("plain", "adversary", "disco", "mdmm")
            if m in dec
        ]
        parts.append(
            "Decorrelation (test split, 50 % signal efficiency; strength chosen on validation):\n\n"
            + _table(
                ["method", "λ or ε", "rejection", "JSD (QCD mass)", "JSD random cut", "dCor²"],
                rows,
            )
        )
        front = dec.get("pareto")
        if front:
            parts.append(
                "\nRejection-vs-sculpting front (every trained strength, test split):\n\n"
                + _table(
                    ["method", "λ or ε", "rejection", "JSD", "JSD random cut"],
                    [
                        [
                            p["method"],
                            p["strength"],
                            p["test"]["rej50"],
                            p["test"]["jsd_mass"],
                            p["test"].get("jsd_floor"),
                        ]
                        for p in front
                    ],
                )
            )
    other = []
    par = result.get("parametrised")
    if par:
        other += [
            ["parametrised: AUC at the unseen ν = 1", par["interpolation_auc"]],
            ["dedicated tagger trained at ν = 1: AUC", par["dedicated_auc"]],
        ]
    dom = result.get("domain")
    if dom:
        other += [
            ["domain: source-only accuracy on MPI-on jets", dom["source_only_acc"]],
            ["domain: adapted (DANN) accuracy", dom["adapted_acc"]],
            ["domain: trained-on-target accuracy", dom["target_trained_acc"]],
            ["domain: fraction of the gap recovered", dom.get("gap_recovered")],
        ]
    cal = result.get("calibration")
    if cal:
        other += [
            ["calibration: ECE of single networks (mean)", cal["ece_single"]],
            ["calibration: ECE of the deep ensemble", cal["ece_ensemble"]],
            ["calibration: ECE of MC dropout", cal.get("ece_mc_dropout")],
            ["calibration: ECE of perfectly calibrated toys (floor)", cal.get("ece_floor")],
        ]
    reg = result.get("regression")
    if reg:
        other += [
            ["regression: coverage of the 68 % intervals", reg["coverage_68"]],
            ["regression: coverage of the 95 % intervals", reg["coverage_95"]],
            ["regression: pull width", reg["pull_width"]],
            ["regression: σ_eff/E gain over linear at 1–2 GeV", reg["low_e_gain_vs_linear"]],
            [
                "regression: same, linear given the true front loss (oracle)",
                reg.get("oracle_low_e_gain"),
            ],
            ["regression: same, MDN without θ", reg.get("no_theta_low_e_gain")],
            ["regression: same, MDN on 6× more showers", reg.get("oracle_large_sample_gain")],
        ]
    if other:
        parts.append("\n" + _table(["quantity", "value"], other))
    return "".join(parts)


RENDERERS: dict[str, Callable[[dict], str]] = {
    "notebooks": _notebooks,
    "classification": _classification,
    "regression": _regression,
    "tracking": _tracking,
    "calo-sim": _calo_sim,
    "generative": _generative,
    "unfolding": _unfolding,
    "anomaly": _anomaly,
    "fpga": _fpga,
    "sbi": _sbi,
    "systematics": _systematics,
    "foundation": _foundation,
}


def render_all(records: dict[str, dict]) -> str:
    """All sections in a fixed order; a benchmark without a record says how to record it."""
    parts = [
        "<!-- Generated by `python -m hepml_course.bench report` from book/bench/*.json: "
        "do not edit by hand. -->\n"
    ]
    for name, title in SECTIONS:
        parts.append(f"\n### {title}\n\n")
        entry = records.get(name)
        if entry is None:
            parts.append(f"Not recorded yet: `python -m hepml_course.bench report --run {name}`.\n")
            continue
        renderer = RENDERERS.get(name, _generic)
        try:
            body = renderer(entry["result"])
        except (KeyError, TypeError, StopIteration, AttributeError):
            body = _generic(entry["result"])
        parts.append(body + "\n" + _source(entry))
    return "".join(parts)
