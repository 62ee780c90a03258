"""Figures of merit of energy regression: response, effective resolution, resolution fit, pulls.

Conventions (as in calorimeter performance papers, e.g. CMS ECAL
{CMS, JINST 15 (2020) P10002} and ATLAS {Eur. Phys. J. C 79 (2019) 639}):

- *response*: median of E_pred / E_true in a bin of true energy;
- *effective resolution* σ_eff: half the width of the shortest interval that
  contains 68.27 % of E_pred / E_true, divided by the response (robust against
  the non-Gaussian tails of a real calorimeter);
- *resolution function*: σ/E = a/√E ⊕ b/E ⊕ c (stochastic, noise, constant);
- *pull*: (E_pred − E_true) / σ_pred; a calibrated uncertainty gives a pull
  distribution of width 1.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

#: Fraction of a Gaussian within ±1σ.
ONE_SIGMA = 0.682689492

#: Default bins of true energy (GeV) of the course's calorimeter studies.
DEFAULT_ENERGY_BINS_GEV = (1.0, 2.0, 5.0, 10.0, 20.0, 50.0, 100.0, 250.0)


def _check_pair(e_true: np.ndarray, e_pred: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    e_true = np.asarray(e_true, dtype=np.float64).ravel()
    e_pred = np.asarray(e_pred, dtype=np.float64).ravel()
    if e_true.shape != e_pred.shape:
        raise ValueError(
            f"e_true and e_pred must have the same length, got {len(e_true)} and {len(e_pred)}"
        )
    if not (np.all(np.isfinite(e_true)) and np.all(np.isfinite(e_pred))):
        raise ValueError("e_true or e_pred contains NaN or infinite values")
    if np.any(e_true <= 0):
        raise ValueError("true energies must be positive")
    return e_true, e_pred


def sigma_eff(values: np.ndarray, fraction: float = ONE_SIGMA) -> float:
    """Half-width of the shortest interval containing ``fraction`` of ``values``.

    For a Gaussian this equals its σ.  Needs at least 10 values.
    """
    x = np.sort(np.asarray(values, dtype=np.float64).ravel())
    if len(x) < 10:
        raise ValueError(f"sigma_eff needs at least 10 values, got {len(x)}")
    k = max(int(np.ceil(fraction * len(x))), 2)
    widths = x[k - 1 :] - x[: len(x) - k + 1]
    return float(0.5 * widths.min())


def bin_label(lo: float, hi: float) -> str:
    """Key of an energy bin, e.g. ``"1-2"`` (GeV)."""
    return f"{lo:g}-{hi:g}"


@dataclass(frozen=True)
class BinnedPerformance:
    """Response and resolution in bins of true energy.

    Attributes
    ----------
    edges_gev
        Bin edges, GeV.
    centre_gev
        Median true energy in each bin, GeV.
    count
        Showers per bin.
    response
        Median of E_pred / E_true.
    sigma_eff_rel
        σ_eff(E_pred / E_true) / response.
    sigma_eff_rel_err
        Statistical uncertainty of ``sigma_eff_rel`` (≈ σ / √(2N)).
    """

    edges_gev: np.ndarray
    centre_gev: np.ndarray
    count: np.ndarray
    response: np.ndarray
    sigma_eff_rel: np.ndarray
    sigma_eff_rel_err: np.ndarray

    def labels(self) -> list[str]:
        """Bin keys (``"1-2"`` …)."""
        return [
            bin_label(a, b) for a, b in zip(self.edges_gev[:-1], self.edges_gev[1:], strict=True)
        ]

    def as_dict(self) -> dict[str, dict[str, float]]:
        """``{"response": {bin: value}, "sigma_eff_rel": {bin: value}}``."""
        return {
            "response": dict(zip(self.labels(), map(float, self.response), strict=True)),
            "sigma_eff_rel": dict(zip(self.labels(), map(float, self.sigma_eff_rel), strict=True)),
        }


def binned_performance(
    e_true: np.ndarray,
    e_pred: np.ndarray,
    edges_gev: Sequence[float] = DEFAULT_ENERGY_BINS_GEV,
) -> BinnedPerformance:
    """Response and effective resolution in bins of true energy.

    Parameters
    ----------
    e_true, e_pred
        True and predicted energies, GeV.
    edges_gev
        Bin edges in true energy, GeV; every bin needs ≥ 10 showers.
    """
    e_true, e_pred = _check_pair(e_true, e_pred)
    edges = np.asarray(edges_gev, dtype=np.float64)
    ratio = e_pred / e_true
    centre, count, resp, res, err = [], [], [], [], []
    for lo, hi in itertools.pairwise(edges):
        sel = (e_true >= lo) & ((e_true < hi) | ((hi == edges[-1]) & (e_true == hi)))
        n = int(sel.sum())
        if n < 10:
            raise ValueError(f"energy bin {lo:g}–{hi:g} GeV has {n} showers; need at least 10")
        r = np.median(ratio[sel])
        s = sigma_eff(ratio[sel]) / r
        centre.append(np.median(e_true[sel]))
        count.append(n)
        resp.append(r)
        res.append(s)
        err.append(s / np.sqrt(2 * n))
    return BinnedPerformance(
        edges,
        np.asarray(centre),
        np.asarray(count),
        np.asarray(resp),
        np.asarray(res),
        np.asarray(err),
    )


@dataclass(frozen=True)
class ResolutionFit:
    """Fit of σ/E = a/√E ⊕ b/E ⊕ c (E in GeV).

    Attributes
    ----------
    stochastic_a, noise_b, constant_c
        Fitted terms (a in √GeV, b in GeV, c dimensionless), non-negative.
    stochastic_a_err, noise_b_err, constant_c_err
        Their uncertainties (HESSE).
    chi2, ndf
        Goodness of fit.
    """

    stochastic_a: float
    noise_b: float
    constant_c: float
    stochastic_a_err: float
    noise_b_err: float
    constant_c_err: float
    chi2: float
    ndf: int

    def __call__(self, energy_gev: np.ndarray) -> np.ndarray:
        """σ/E at ``energy_gev``."""
        return resolution_function(energy_gev, self.stochastic_a, self.noise_b, self.constant_c)


def resolution_function(energy_gev: np.ndarray, a: float, b: float, c: float) -> np.ndarray:
    """σ/E = √(a²/E + b²/E² + c²)."""
    e = np.asarray(energy_gev, dtype=np.float64)
    return np.sqrt(a**2 / e + b**2 / e**2 + c**2)


def fit_resolution(
    energy_gev: np.ndarray,
    sigma_rel: np.ndarray,
    sigma_rel_err: np.ndarray,
    fix_noise: float | None = None,
) -> ResolutionFit:
    """Least-squares fit of σ/E = a/√E ⊕ b/E ⊕ c with iminuit.

    Parameters
    ----------
    energy_gev
        Energies of the points (e.g. bin medians), GeV.
    sigma_rel, sigma_rel_err
        Relative resolution and its uncertainty at each point.
    fix_noise
        Fix b to this value (GeV) instead of fitting it (useful with few points).
    """
    from iminuit import Minuit
    from iminuit.cost import LeastSquares

    e = np.asarray(energy_gev, dtype=np.float64)
    y = np.asarray(sigma_rel, dtype=np.float64)
    dy = np.asarray(sigma_rel_err, dtype=np.float64)
    n_free = 3 if fix_noise is None else 2
    if not (len(e) == len(y) == len(dy)) or len(e) < n_free + 1:
        raise ValueError(
            f"need matching arrays with at least {n_free + 1} points, got {len(e)}, {len(y)}, "
            f"{len(dy)}"
        )
    if np.any(dy <= 0):
        raise ValueError("uncertainties sigma_rel_err must be positive")
    cost = LeastSquares(e, y, dy, resolution_function)
    a0 = float(y[0] * np.sqrt(e[0]))
    m = Minuit(cost, a=a0, b=0.1 if fix_noise is None else fix_noise, c=float(y[-1]) * 0.5)
    m.limits["a"] = (0, None)
    m.limits["b"] = (0, None)
    m.limits["c"] = (0, None)
    if fix_noise is not None:
        m.fixed["b"] = True
    m.migrad()
    m.hesse()
    return ResolutionFit(
        stochastic_a=float(m.values["a"]),
        noise_b=float(m.values["b"]),
        constant_c=float(m.values["c"]),
        stochastic_a_err=float(m.errors["a"]),
        noise_b_err=float(m.errors["b"]) if fix_noise is None else 0.0,
        constant_c_err=float(m.errors["c"]),
        chi2=float(m.fval),
        ndf=len(e) - n_free,
    )


def pulls(e_true: np.ndarray, e_pred: np.ndarray, sigma_pred: np.ndarray) -> np.ndarray:
    """(E_pred − E_true) / σ_pred for each shower."""
    e_true, e_pred = _check_pair(e_true, e_pred)
    sigma = np.asarray(sigma_pred, dtype=np.float64).ravel()
    if sigma.shape != e_true.shape:
        raise ValueError(f"sigma_pred must have length {len(e_true)}, got {len(sigma)}")
    if np.any(~np.isfinite(sigma)) or np.any(sigma <= 0):
        raise ValueError("sigma_pred must be finite and positive")
    return (e_pred - e_true) / sigma


def pull_width(pull: np.ndarray) -> float:
    """Robust width of a pull distribution: half the central 68.27 % interval (1 for N(0, 1))."""
    lo, hi = np.quantile(
        np.asarray(pull, dtype=np.float64), [0.5 - ONE_SIGMA / 2, 0.5 + ONE_SIGMA / 2]
    )
    return float(0.5 * (hi - lo))


def interval_coverage(e_true: np.ndarray, lower: np.ndarray, upper: np.ndarray) -> float:
    """Fraction of true energies inside [lower, upper] (e.g. the 25–75 % quantiles → 0.5)."""
    e_true = np.asarray(e_true, dtype=np.float64)
    return float(np.mean((e_true >= np.asarray(lower)) & (e_true <= np.asarray(upper))))


def summary_table(
    results: Mapping[str, BinnedPerformance], fits: Mapping[str, ResolutionFit] | None = None
) -> str:
    """A Markdown table: σ_eff/E and response per bin for each model, plus the fitted terms."""
    names = list(results)
    labels = results[names[0]].labels()
    head = "| model | " + " | ".join(f"σ_eff/E {b}" for b in labels)
    head += " | a (√GeV) | c |" if fits else " |"
    lines = [head, "|" + "---|" * (len(labels) + 1 + (2 if fits else 0))]
    for name in names:
        r = results[name]
        row = f"| {name} | " + " | ".join(
            f"{s:.3f} ({q:.3f})" for s, q in zip(r.sigma_eff_rel, r.response, strict=True)
        )
        if fits:
            f = fits[name]
            row += f" | {f.stochastic_a:.3f} ± {f.stochastic_a_err:.3f} | "
            row += f"{f.constant_c:.4f} ± {f.constant_c_err:.4f} |"
        else:
            row += " |"
        lines.append(row)
    return "\n".join(lines) + "\n\n(response in parentheses)"
