"""Event-shape samples of the inference chapter: events, their αs, and splits.

An :class:`EventShapeSample` holds detector-level event shapes of e⁺e⁻ → hadrons
at √s = 91.2 GeV (dataset ``eventshapes``) and the value of the parameter θ
(Pythia's ``TimeShower:alphaSvalue``) each event was generated with.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

#: Axis labels of the observables (all dimensionless).
LABELS: dict[str, str] = {
    "one_minus_thrust": r"$1-T$",
    "c_parameter": r"$C$-parameter",
    "heavy_jet_mass": r"Heavy jet mass $\rho_H = M_H^2/E_\mathrm{vis}^2$",
    "b_total": r"Total broadening $B_T$",
    "b_wide": r"Wide broadening $B_W$",
    "y23": r"Durham $y_{23}$",
    "sphericity": r"Sphericity $S$",
    "n_charged": r"Charged multiplicity $N_\mathrm{ch}$",
    "n_neutral": r"Neutral-cluster multiplicity $N_\mathrm{neu}$",
    "xi_mean": r"Mean track $\xi = \ln(E_\mathrm{beam}/|p|)$",
    "y34": r"Durham $y_{34}$",
    "y45": r"Durham $y_{45}$",
    "d_parameter": r"$D$-parameter",
    "aplanarity": r"Aplanarity $A$",
    "light_jet_mass": r"Light jet mass $\rho_L$",
    "b_narrow": r"Narrow broadening $B_N$",
    "thrust_major": r"Thrust major $T_\mathrm{maj}$",
    "thrust_minor": r"Thrust minor $T_\mathrm{min}$",
}

#: Observables given to the network as logarithms: positive and spread over decades
#: (jet resolutions, masses, broadenings, thrust minor ...).  Multiplicities, ξ and
#: the bounded C-parameter and sphericity stay linear.
LINEAR_OBSERVABLES: tuple[str, ...] = (
    "n_charged",
    "n_neutral",
    "xi_mean",
    "c_parameter",
    "sphericity",
)


def log_feature_indices(observables: tuple[str, ...]) -> tuple[int, ...]:
    """Columns of ``observables`` that the classifier takes as logarithms."""
    return tuple(i for i, n in enumerate(observables) if n not in LINEAR_OBSERVABLES)


#: Name of the parameter θ (a Pythia setting) and its symbol in plots.
PARAMETER = "TimeShower:alphaSvalue"
PARAMETER_LABEL = r"$\alpha_s^\mathrm{FSR}$"
TREES = ("grid", "reference", "pseudo_data")


def default_observables() -> tuple[str, ...]:
    """The observable branches of the ``eventshapes`` dataset, in column order."""
    from hepml_course.data.datasets.eventshapes import OBSERVABLES

    return tuple(OBSERVABLES)


@dataclass(frozen=True)
class EventShapeSample:
    """Events with their observables and generator θ.

    Parameters
    ----------
    X
        ``(n_events, n_observables)`` float64 observables, columns in the order
        of ``observables``.
    theta
        ``(n_events,)`` the θ (αs) value each event was generated with.
    observables
        Column names.
    """

    X: np.ndarray
    theta: np.ndarray
    observables: tuple[str, ...]

    def __post_init__(self) -> None:
        X = np.asarray(self.X, dtype=np.float64)
        theta = np.asarray(self.theta, dtype=np.float64)
        if X.ndim != 2 or X.shape[1] != len(self.observables):
            raise ValueError(
                f"X must have shape (n_events, {len(self.observables)}) for observables "
                f"{self.observables}, got {X.shape}"
            )
        if theta.shape != (len(X),):
            raise ValueError(f"theta must have shape ({len(X)},), got {theta.shape}")
        if not (np.all(np.isfinite(X)) and np.all(np.isfinite(theta))):
            raise ValueError("the sample contains NaN or infinite values; fix or drop those events")
        object.__setattr__(self, "X", X)
        object.__setattr__(self, "theta", theta)

    def __len__(self) -> int:
        return len(self.X)

    @property
    def values(self) -> np.ndarray:
        """The distinct θ values of the sample, increasing."""
        return np.unique(self.theta)

    def column(self, name: str) -> np.ndarray:
        """One observable, ``(n_events,)``."""
        if name not in self.observables:
            raise KeyError(f"unknown observable {name!r}; available: {self.observables}")
        return self.X[:, self.observables.index(name)]

    def subset(self, index: np.ndarray) -> EventShapeSample:
        """Events selected by a boolean mask or an index array."""
        return EventShapeSample(self.X[index], self.theta[index], self.observables)

    def at(self, value: float) -> EventShapeSample:
        """The events generated at θ = ``value`` (within 1e-6)."""
        mask = np.abs(self.theta - value) < 1e-6
        if not mask.any():
            raise ValueError(
                f"no events at θ = {value}; the sample has θ in {self.values.tolist()}"
            )
        return self.subset(mask)

    def select(self, names: tuple[str, ...] | list[str]) -> EventShapeSample:
        """The same events with only the observables ``names``."""
        idx = [self.observables.index(n) for n in names if n in self.observables]
        if len(idx) != len(names):
            missing = [n for n in names if n not in self.observables]
            raise KeyError(f"unknown observable(s) {missing}; available: {self.observables}")
        return EventShapeSample(self.X[:, idx], self.theta, tuple(names))


def load_eventshapes(
    tree: str,
    *,
    n_events: int | None = None,
    observables: tuple[str, ...] | None = None,
    path: str | Path | None = None,
) -> EventShapeSample:
    """Read one tree of the ``eventshapes`` dataset.

    Parameters
    ----------
    tree
        ``"grid"`` (events at the grid of θ values), ``"reference"`` (θ_ref) or
        ``"pseudo_data"`` (the pool of pseudo-experiments at the true θ).
    n_events
        Read only the first ``n_events`` entries (all by default).  The grid
        tree is stored shard by shard, each shard holding 2000 events of every θ
        value in turn: read whole shards (multiples of 18 000 entries) to keep
        the grid balanced.
    observables
        Feature columns (default: all of the dataset's observables).
    path
        Another file made by ``hepml-course data generate eventshapes``.
    """
    from hepml_course.data import load

    if tree not in TREES:
        raise ValueError(f"unknown tree {tree!r}; choose one of {TREES}")
    names = tuple(observables) if observables is not None else default_observables()
    events = load(
        "eventshapes", tree=tree, path=path, entry_stop=n_events, branches=[*names, "alpha_s"]
    )
    X = np.column_stack([np.asarray(events[n], dtype=np.float64) for n in names])
    # αs is stored as float32; the generator settings have four decimals
    theta = np.round(np.asarray(events["alpha_s"], dtype=np.float64), 5)
    return EventShapeSample(X, theta, names)


def split(
    sample: EventShapeSample, fraction: float, *, seed: int
) -> tuple[EventShapeSample, EventShapeSample]:
    """Split into two disjoint parts, the second with ``fraction`` of the events of each θ.

    The split is stratified by θ so both parts hold every grid value in the
    same proportions.
    """
    if not 0.0 < fraction < 1.0:
        raise ValueError(f"fraction must be in (0, 1), got {fraction}")
    rng = np.random.default_rng(seed)
    second = np.zeros(len(sample), dtype=bool)
    for value in sample.values:
        idx = np.flatnonzero(sample.theta == value)
        take = rng.choice(idx, size=round(fraction * len(idx)), replace=False)
        second[take] = True
    return sample.subset(~second), sample.subset(second)
