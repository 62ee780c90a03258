"""The six jet observables of the unfolding chapter, their binning, and event samples.

An :class:`UnfoldingSample` holds, for every event, the observables at particle
level (``gen``) and detector level (``reco``) plus the selection flags that
encode inefficiencies (``pass_gen`` but not ``pass_reco``) and fakes
(``pass_reco`` but not ``pass_gen``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

#: Observables unfolded in the chapter, in the order of the feature columns.
OBSERVABLES: tuple[str, ...] = ("mass", "mult", "width", "tau21", "zg", "lnrho")

#: Axis labels (with units).
LABELS: dict[str, str] = {
    "mass": "Jet mass $m$ [GeV]",
    "mult": "Constituent multiplicity $M$",
    "width": "Jet width $w$",
    "tau21": r"N-subjettiness ratio $\tau_{21}$",
    "zg": "Groomed momentum fraction $z_g$",
    "lnrho": r"$\ln\rho = \ln(m^2/p_T^2)$",
    "pt": r"Jet $p_T$ [GeV]",
}

#: Bin edges used for histograms, χ² and IBU (same at both levels).  Values
#: outside the range are put into the first/last bin (see :func:`histogram`).
BINS: dict[str, np.ndarray] = {
    "mass": np.linspace(0.0, 40.0, 17),
    "mult": np.arange(-0.5, 56.0, 4.0),
    "width": np.linspace(0.0, 0.2, 11),
    "tau21": np.linspace(0.2, 1.0, 17),
    "zg": np.array([0.0, 0.1, 0.14, 0.18, 0.22, 0.26, 0.3, 0.34, 0.38, 0.42, 0.46, 0.5]),
    "lnrho": np.linspace(-9.0, -2.0, 15),
    "pt": np.array([100.0, 110, 120, 135, 150, 170, 200, 250, 300, 400]),
}


@dataclass
class UnfoldingSample:
    """Events with observables at both levels.

    Parameters
    ----------
    gen, reco
        ``(n_events, n_observables)`` particle- and detector-level observables,
        columns in the order of ``observables`` (values of events failing a
        level's selection are ignored).
    pass_gen, pass_reco
        Boolean selection flags at particle and detector level.
    observables
        Column names.
    extra_gen
        Further particle-level columns (e.g. ``pt``) not used as features,
        for observables computed after the unfolding.
    """

    gen: np.ndarray
    reco: np.ndarray
    pass_gen: np.ndarray
    pass_reco: np.ndarray
    observables: tuple[str, ...] = OBSERVABLES
    extra_gen: dict[str, np.ndarray] | None = None

    def __post_init__(self) -> None:
        self.gen = np.asarray(self.gen, dtype=np.float64)
        self.reco = np.asarray(self.reco, dtype=np.float64)
        self.pass_gen = np.asarray(self.pass_gen, dtype=bool)
        self.pass_reco = np.asarray(self.pass_reco, dtype=bool)
        n, k = len(self.gen), len(self.observables)
        for name, arr in (("gen", self.gen), ("reco", self.reco)):
            if arr.shape != (n, k):
                raise ValueError(
                    f"{name} must have shape (n_events, {k}) = ({n}, {k}) for observables "
                    f"{self.observables}, got {arr.shape}"
                )
        for name, arr in (("pass_gen", self.pass_gen), ("pass_reco", self.pass_reco)):
            if arr.shape != (n,):
                raise ValueError(f"{name} must have shape ({n},), got {arr.shape}")
        for name, arr, sel in (
            ("gen", self.gen, self.pass_gen),
            ("reco", self.reco, self.pass_reco),
        ):
            if not np.all(np.isfinite(arr[sel])):
                raise ValueError(
                    f"{name} observables contain NaN/inf for events that pass the {name} "
                    "selection; fix the input or the selection flags"
                )

    def __len__(self) -> int:
        return len(self.gen)

    def column(self, name: str, level: str = "gen") -> np.ndarray:
        """One observable (or an ``extra_gen`` column) at ``level`` ("gen" or "reco")."""
        if level == "gen" and self.extra_gen and name in self.extra_gen:
            return self.extra_gen[name]
        if name not in self.observables:
            raise KeyError(f"unknown observable {name!r}; available: {self.observables}")
        arr = self.gen if level == "gen" else self.reco
        return arr[:, self.observables.index(name)]

    def subset(self, index: np.ndarray) -> UnfoldingSample:
        """Events selected by a boolean mask or index array."""
        extra = {k: v[index] for k, v in self.extra_gen.items()} if self.extra_gen else None
        return UnfoldingSample(
            self.gen[index],
            self.reco[index],
            self.pass_gen[index],
            self.pass_reco[index],
            self.observables,
            extra,
        )


def load_sample(
    tree: str,
    n_events: int | None = None,
    path: str | None = None,
    observables: tuple[str, ...] = OBSERVABLES,
) -> UnfoldingSample:
    """Read the ``sim`` or ``nature`` tree of the ``unfolding`` dataset.

    Parameters
    ----------
    tree
        ``"sim"`` or ``"nature"``.
    n_events
        Read only the first ``n_events`` entries (all by default).
    path
        Another file made by ``hepml-course data generate unfolding`` (optional).
    observables
        Feature columns (default: the six of :data:`OBSERVABLES`).
    """
    from hepml_course.data import load

    events = load("unfolding", tree=tree, path=path, entry_stop=n_events)

    def cols(level: str) -> np.ndarray:
        return np.stack(
            [
                np.nan_to_num(events[f"{level}_{o}"].to_numpy().astype(np.float64))
                for o in observables
            ],
            axis=1,
        )

    return UnfoldingSample(
        gen=cols("gen"),
        reco=cols("reco"),
        pass_gen=events["pass_gen"].to_numpy(),
        pass_reco=events["pass_reco"].to_numpy(),
        observables=observables,
        extra_gen={"pt": np.nan_to_num(events["gen_pt"].to_numpy().astype(np.float64))},
    )


def histogram(
    values: np.ndarray, edges: np.ndarray, weights: np.ndarray | None = None
) -> np.ndarray:
    """Weighted counts with under/overflow folded into the first/last bin."""
    x = np.clip(np.asarray(values, dtype=np.float64), edges[0], np.nextafter(edges[-1], -np.inf))
    counts, _ = np.histogram(x, bins=edges, weights=weights)
    return counts.astype(np.float64)
