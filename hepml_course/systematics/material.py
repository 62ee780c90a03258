"""Calibrated energy uncertainties behind dead material that varies shower by shower.

The ``calo_material`` dataset puts 2 + 8 θ² X0 of dead material in front of the
calorimeter (θ = incidence angle, known to a detector from the cluster
position).  A linear calibration (one weight per layer) cannot follow a loss
that depends on θ and on how early the shower started; a
:class:`~hepml_course.regression.mdn.MixtureDensityCalibration` given the
shower features and θ predicts each shower's energy *density*, whose central
intervals should cover the true energy as often as they claim.

:func:`material_study` measures, on the test split:

- ``coverage_68``, ``coverage_95``: fractions of true energies inside the
  predicted central 68 % and 95 % intervals (0.68 and 0.95 if calibrated);
- ``pull_width``: robust width of (E_pred − E_true) / σ_pred (1 if calibrated);
- ``low_e_gain_vs_linear``: 1 − (σ_eff/E of the network) / (σ_eff/E of the
  linear calibration) for 1–2 GeV showers;

plus an oracle: the linear calibration *given the true front loss*, the best a
calibration could do if the material's fluctuation were measured, and the
front loss per θ bin (the physics behind the gain).
"""

from __future__ import annotations

import itertools
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from hepml_course.metrics import regression as mr

#: Candidate energy bin edges, GeV; the study uses those up to the sample's highest energy.
ENERGY_EDGES_GEV = (1.0, 2.0, 5.0, 10.0, 20.0, 50.0, 100.0)
#: The low-energy bin of the gain, GeV.
LOW_E_BIN_GEV = (1.0, 2.0)
#: Interval levels of the coverage table.
COVERAGE_LEVELS = (0.50, 0.68, 0.90, 0.95)
#: The large-sample oracle trains on this many times the training split, fresh showers.
LARGE_SAMPLE_FACTOR = 6
#: Base seed of those fresh showers (the shipped file's seed is 20261207).
LARGE_SAMPLE_SEED = 77_000
#: θ bin edges of the front-loss table, rad.
THETA_BINS_RAD = (0.0, 0.15, 0.30, 0.45, 0.60)


@dataclass(frozen=True)
class MaterialSample:
    """Showers of the ``calo_material`` dataset.

    Attributes
    ----------
    voxels_gev
        Voxel energies at the EM scale, shape (n, 368), GeV.
    energy_gev
        True incident energies, shape (n,), GeV.
    theta_rad
        Incidence angles, shape (n,), rad.
    front_loss_gev
        True energy lost in the dead material, shape (n,), GeV (truth: for the
        oracle and the plots only, never a network input).
    """

    voxels_gev: np.ndarray
    energy_gev: np.ndarray
    theta_rad: np.ndarray
    front_loss_gev: np.ndarray

    def __post_init__(self) -> None:
        n = len(self.energy_gev)
        if self.voxels_gev.ndim != 2 or len(self.voxels_gev) != n:
            raise ValueError(
                f"voxels_gev must have shape (n_showers, n_voxels) with n_showers = {n}, "
                f"got {self.voxels_gev.shape}"
            )
        for name in ("theta_rad", "front_loss_gev"):
            if getattr(self, name).shape != (n,):
                raise ValueError(f"{name} must have shape ({n},), got {getattr(self, name).shape}")

    def __len__(self) -> int:
        return len(self.energy_gev)

    @property
    def inputs(self) -> np.ndarray:
        """Network inputs: voxels then θ, shape (n, 369) (``MixtureDensityCalibration``'s X)."""
        return np.column_stack([self.voxels_gev, self.theta_rad])

    def subset(self, index: np.ndarray) -> MaterialSample:
        """The showers at ``index`` (integer or boolean array)."""
        return MaterialSample(
            self.voxels_gev[index],
            self.energy_gev[index],
            self.theta_rad[index],
            self.front_loss_gev[index],
        )


def load_material_sample(
    *,
    path: str | Path | None = None,
    fractions: tuple[float, float, float] = (0.5, 0.25, 0.25),
    seed: int = 0,
    n_max: int | None = None,
) -> tuple[MaterialSample, MaterialSample, MaterialSample]:
    """Load the ``calo_material`` showers and split them into train, validation and test.

    Parameters
    ----------
    path
        Another file of the ``calo_material`` dataset (default: the shipped one).
    fractions
        Fractions (train, validation, test); positive, summing to 1.
    seed
        Seed of the shuffle (same seed → same split).
    n_max
        Use only the first ``n_max`` showers of the file (``None``: all).

    Returns
    -------
    tuple of MaterialSample
        (train, validation, test), disjoint.
    """
    f = np.asarray(fractions, dtype=float)
    if f.shape != (3,) or np.any(f <= 0) or not np.isclose(f.sum(), 1.0):
        raise ValueError(f"fractions must be three positive numbers summing to 1, got {fractions}")
    if n_max is not None and n_max < 40:
        raise ValueError(f"n_max must be at least 40 showers (or None for all), got {n_max}")
    from hepml_course import data

    showers = data.load(
        "calo_material",
        branches=["voxel_energy_gev", "incident_energy_gev", "theta_rad", "front_loss_gev"],
        path=path,
        entry_stop=n_max,
    )
    sample = MaterialSample(
        np.asarray(showers.voxel_energy_gev, dtype=np.float64),
        np.asarray(showers.incident_energy_gev, dtype=np.float64),
        np.asarray(showers.theta_rad, dtype=np.float64),
        np.asarray(showers.front_loss_gev, dtype=np.float64),
    )
    idx = np.random.default_rng(seed).permutation(len(sample))
    cut = np.round(np.cumsum(f)[:2] * len(idx)).astype(int)
    return tuple(sample.subset(np.sort(part)) for part in np.split(idx, cut))  # type: ignore[return-value]


def simulate_material_sample(n: int, seed: int) -> MaterialSample:
    """Fresh showers with the ``calo_material`` settings (not the shipped file).

    Parameters
    ----------
    n
        Number of showers (log-uniform energies in the dataset's range).
    seed
        Seed of the energies and of the simulation (use seeds unlike the
        shipped file's 20261207 to get independent showers).

    Returns
    -------
    MaterialSample
    """
    from hepml_course.data.datasets import calo_material as spec
    from hepml_course.sim.calorimeter import sample_energies

    if n < 1:
        raise ValueError(f"n must be a positive number of showers, got {n}")
    energy = sample_energies(n, seed, "log-uniform", spec.E_MIN_GEV, spec.E_MAX_GEV)
    showers = spec.SIMULATOR.simulate(energy, seed=seed + 1)
    return MaterialSample(
        showers.voxel_energy_gev.astype(np.float64),
        showers.incident_energy_gev.astype(np.float64),
        showers.theta_rad.astype(np.float64),
        showers.front_loss_gev.astype(np.float64),
    )


def energy_bins(energy_gev: np.ndarray) -> tuple[float, ...]:
    """Bin edges (GeV) of the study: :data:`ENERGY_EDGES_GEV` up to the first ≥ max(E)."""
    top = float(np.max(energy_gev))
    edges = [e for e in ENERGY_EDGES_GEV if e < top]
    return (*edges, next((e for e in ENERGY_EDGES_GEV if e >= top), top))


def _low_e(sample: MaterialSample) -> np.ndarray:
    lo, hi = LOW_E_BIN_GEV
    return (sample.energy_gev >= lo) & (sample.energy_gev < hi)


def _sigma_eff_rel(e_true: np.ndarray, e_pred: np.ndarray) -> float:
    ratio = e_pred / e_true
    return mr.sigma_eff(ratio) / float(np.median(ratio))


def oracle_front_loss(train: MaterialSample, test: MaterialSample) -> np.ndarray:
    """Linear calibration given the true front loss: predicted energies (n_test,), GeV.

    The layer weights are fitted to E_true − front loss (what reached the
    calorimeter) and the true front loss of each test shower is added back:
    what a calibration would reach if the dead material's loss were measured.
    """
    from hepml_course.regression import LinearCalibration

    reached = train.energy_gev - train.front_loss_gev
    lin = LinearCalibration().fit(train.voxels_gev, np.maximum(reached, 1e-3))
    return lin.predict(test.voxels_gev) + test.front_loss_gev


def front_loss_table(sample: MaterialSample) -> dict[str, list[float]]:
    """Mean front loss / E of 1–2 GeV showers in bins of θ (the material law at work).

    Returns
    -------
    dict
        ``theta_lo_rad``, ``theta_hi_rad``, ``material_x0`` (2 + 8 θ² at the
        bin centre, X0 perpendicular to the layers) and ``front_loss_frac``.
    """
    from hepml_course.data.datasets.calo_material import GEOMETRY

    low = _low_e(sample)
    out: dict[str, list[float]] = {
        "theta_lo_rad": [],
        "theta_hi_rad": [],
        "material_x0": [],
        "front_loss_frac": [],
    }
    for lo, hi in itertools.pairwise(THETA_BINS_RAD):
        sel = low & (sample.theta_rad >= lo) & (sample.theta_rad < hi)
        frac = sample.front_loss_gev[sel] / sample.energy_gev[sel]
        out["theta_lo_rad"].append(lo)
        out["theta_hi_rad"].append(hi)
        out["material_x0"].append(float(GEOMETRY.front_material_at(0.5 * (lo + hi))))
        out["front_loss_frac"].append(float(frac.mean()) if sel.any() else float("nan"))
    return out


def _mdn_metrics(
    model: Any, test: MaterialSample, linear_low: float, edges: tuple[float, ...]
) -> dict[str, Any]:
    """Coverage, pull width and low-energy gain of a fitted MDN on ``test``."""
    x = test.inputs
    e_pred, sigma = model.predict(x, return_std=True)
    levels = [q for lvl in COVERAGE_LEVELS for q in ((1 - lvl) / 2, (1 + lvl) / 2)]
    q = model.predict_quantiles(x, levels)
    coverage = {
        f"{lvl:.2f}": mr.interval_coverage(test.energy_gev, q[:, 2 * i], q[:, 2 * i + 1])
        for i, lvl in enumerate(COVERAGE_LEVELS)
    }
    binned = mr.binned_performance(test.energy_gev, e_pred, edges)
    low = _low_e(test)
    mdn_low = _sigma_eff_rel(test.energy_gev[low], e_pred[low])
    return {
        "coverage_68": coverage["0.68"],
        "coverage_95": coverage["0.95"],
        "pull_width": mr.pull_width(mr.pulls(test.energy_gev, e_pred, sigma)),
        "low_e_gain_vs_linear": 1.0 - mdn_low / linear_low,
        "sigma_eff_rel_low_e": mdn_low,
        "coverage": coverage,
        "sigma_eff_rel": binned.sigma_eff_rel.tolist(),
        "response": binned.response.tolist(),
    }


def material_study(
    *,
    seed: int = 0,
    quick: bool = False,
    path: str | Path | None = None,
    n_max: int | None = None,
) -> dict[str, Any]:
    """Train the linear calibration and the MDN on ``calo_material``; measure on its test split.

    Parameters
    ----------
    seed
        Seed of the split and of the training.
    quick
        The chapter's configuration: one MDN (3 Gaussians, features + θ) and
        the linear calibration (≈ 15 s).  ``False`` (the benchmark) also
        chooses the number of Gaussians on the validation split (1 = the
        Gaussian-likelihood DNN, 3) and trains the MDN without θ.
    path
        Another ``calo_material`` file (default: the shipped one).
    n_max
        Use only the first ``n_max`` showers of the file (``None``: all).

    Returns
    -------
    dict
        Bench keys ``coverage_68``, ``coverage_95``, ``pull_width``,
        ``low_e_gain_vs_linear`` (the chosen MDN, widths recalibrated by one
        factor on the validation split); ``coverage_68_raw`` / ``coverage_95_raw``
        (before that factor) and ``width_scale``; ``oracle_low_e_gain`` (linear
        calibration given the true front loss); ``sigma_eff_rel_low_e``
        (``{"linear", "mdn", "oracle"}`` at 1–2 GeV); ``resolution``
        (``{"bins": [...], "linear": [...], "mdn": [...], "oracle": [...]}``,
        σ_eff/E per energy bin); ``coverage`` ({level: coverage});
        ``front_loss`` (:func:`front_loss_table` of the test split); ``models``
        (per candidate: validation log-likelihood and test metrics);
        ``chosen``; ``n_train`` / ``n_val`` / ``n_test``; ``seconds``.
        With ``quick=False`` also ``no_theta_low_e_gain`` (the chosen network
        without θ), ``oracle_large_sample_gain`` (the chosen network trained on
        :data:`LARGE_SAMPLE_FACTOR` × more fresh showers: is the sample size
        the limit?), ``n_large_sample`` and ``gaussian_nll`` (the one-Gaussian
        model's metrics).  Not JSON (the benchmark drops them): ``fitted``
        (``{"mdn", "linear"}``, the chosen fitted models) and ``test_sample``
        (the test :class:`MaterialSample`).
    """
    from hepml_course.regression import LinearCalibration
    from hepml_course.regression.mdn import MixtureDensityCalibration

    t0 = time.perf_counter()
    train, val, test = load_material_sample(path=path, seed=seed, n_max=n_max)
    edges = energy_bins(test.energy_gev)

    lin = LinearCalibration().fit(train.voxels_gev, train.energy_gev, seed=seed)
    e_lin = lin.predict(test.voxels_gev)
    e_oracle = oracle_front_loss(train, test)
    low = _low_e(test)
    linear_low = _sigma_eff_rel(test.energy_gev[low], e_lin[low])
    oracle_low = _sigma_eff_rel(test.energy_gev[low], e_oracle[low])

    candidates: dict[str, dict[str, Any]] = {"mdn3": {"n_components": 3}}
    if not quick:
        candidates["gauss1"] = {"n_components": 1}
    models: dict[str, dict[str, Any]] = {}
    fitted: dict[str, Any] = {}
    for name, params in candidates.items():
        model = MixtureDensityCalibration(**params, epochs=60 if quick else 100)
        model.fit(train.inputs, train.energy_gev, seed=seed)
        model.recalibrate(val.inputs, val.energy_gev, level=0.68)
        fitted[name] = model
        models[name] = {
            "val_log_likelihood": float(np.mean(model.log_likelihood(val.inputs, val.energy_gev))),
            "width_scale": model.width_scale_,
            "epochs": len(model.history_["loss"]),
            **_mdn_metrics(model, test, linear_low, edges),
        }
    chosen = max(models, key=lambda k: models[k]["val_log_likelihood"])
    best, best_model = models[chosen], fitted[chosen]
    scale = best_model.width_scale_
    best_model.width_scale_ = 1.0
    raw = _mdn_metrics(best_model, test, linear_low, edges)
    best_model.width_scale_ = scale

    lin_binned = mr.binned_performance(test.energy_gev, e_lin, edges)
    oracle_binned = mr.binned_performance(test.energy_gev, e_oracle, edges)
    result: dict[str, Any] = {
        "coverage_68": best["coverage_68"],
        "coverage_95": best["coverage_95"],
        "pull_width": best["pull_width"],
        "low_e_gain_vs_linear": best["low_e_gain_vs_linear"],
        "coverage_68_raw": raw["coverage_68"],
        "coverage_95_raw": raw["coverage_95"],
        "width_scale": scale,
        "oracle_low_e_gain": 1.0 - oracle_low / linear_low,
        "sigma_eff_rel_low_e": {
            "linear": linear_low,
            "mdn": best["sigma_eff_rel_low_e"],
            "oracle": oracle_low,
        },
        "resolution": {
            "bins": lin_binned.labels(),
            "linear": lin_binned.sigma_eff_rel.tolist(),
            "mdn": best["sigma_eff_rel"],
            "oracle": oracle_binned.sigma_eff_rel.tolist(),
        },
        "coverage": best["coverage"],
        "front_loss": front_loss_table(test),
        "models": models,
        "chosen": chosen,
        "n_train": len(train),
        "n_val": len(val),
        "n_test": len(test),
    }
    if not quick:
        result["gaussian_nll"] = {
            k: models["gauss1"][k]
            for k in ("coverage_68", "coverage_95", "pull_width", "low_e_gain_vs_linear")
        }
        no_theta = MixtureDensityCalibration(
            n_components=candidates[chosen]["n_components"],
            extra_inputs=(),
        ).fit(train.voxels_gev, train.energy_gev, seed=seed)
        e_nt = no_theta.predict(test.voxels_gev)
        result["no_theta_low_e_gain"] = 1.0 - (
            _sigma_eff_rel(test.energy_gev[low], e_nt[low]) / linear_low
        )
        big = simulate_material_sample(
            LARGE_SAMPLE_FACTOR * len(train), seed=LARGE_SAMPLE_SEED + seed
        )
        big_model = MixtureDensityCalibration(n_components=candidates[chosen]["n_components"])
        e_big = big_model.fit(big.inputs, big.energy_gev, seed=seed).predict(test.inputs)
        result["oracle_large_sample_gain"] = 1.0 - (
            _sigma_eff_rel(test.energy_gev[low], e_big[low]) / linear_low
        )
        result["n_large_sample"] = len(big)
    result["fitted"] = {"mdn": best_model, "linear": lin}
    result["test_sample"] = test
    result["seconds"] = time.perf_counter() - t0
    return result
