"""Fit of a resonance peak: Voigt (Breit–Wigner ⊗ Gaussian) over an exponential background.

The fit is an extended binned maximum-likelihood fit with iminuit, on a
:mod:`hist` histogram.  The Breit–Wigner width Γ is the physical width; the
Gaussian σ absorbs the detector resolution.
"""

from __future__ import annotations

from dataclasses import dataclass

import hist
import numpy as np
from iminuit import Minuit
from iminuit.cost import ExtendedBinnedNLL
from scipy.special import voigt_profile
from scipy.stats import chi2 as chi2_dist


def _voigt_cdf_grid(edges: np.ndarray, mass: float, width: float, sigma: float) -> np.ndarray:
    """Cumulative Voigt density at ``edges`` (normalised over the fit range)."""
    fine = np.linspace(edges[0], edges[-1], 20 * (len(edges) - 1) + 1)
    pdf = voigt_profile(fine - mass, sigma, width / 2.0)
    cdf = np.concatenate([[0.0], np.cumsum(0.5 * (pdf[1:] + pdf[:-1]) * np.diff(fine))])
    return np.interp(edges, fine, cdf / cdf[-1])


def _exponential_cdf(edges: np.ndarray, slope: float) -> np.ndarray:
    """Cumulative exp(slope·m) density at ``edges`` (normalised over the fit range)."""
    x = edges - edges[0]
    span = x[-1]
    if abs(slope) * span < 1e-8:
        return x / span
    return np.expm1(slope * x) / np.expm1(slope * span)


@dataclass(frozen=True)
class ResonanceFit:
    """Result of :func:`fit_resonance` (masses and widths in GeV)."""

    mass: float
    mass_err: float
    width: float
    width_err: float
    sigma: float
    sigma_err: float
    n_signal: float
    n_signal_err: float
    n_background: float
    chi2: float
    ndf: int
    valid: bool
    edges: np.ndarray
    counts: np.ndarray
    expected: np.ndarray

    @property
    def p_value(self) -> float:
        """χ² probability of the fit (Pearson χ² of the binned counts)."""
        return float(chi2_dist.sf(self.chi2, self.ndf))


def fit_resonance(
    histogram: hist.Hist,
    mass_guess: float,
    width_guess: float,
    sigma_guess: float = 1.0,
    fix_width: float | None = None,
) -> ResonanceFit:
    """Fit a Voigt peak plus an exponential background to a 1D mass histogram.

    Parameters
    ----------
    histogram
        1D :class:`hist.Hist` of the mass in GeV over the fit range.
    mass_guess, width_guess, sigma_guess
        Starting values (GeV) of the peak position, Breit–Wigner width Γ and
        Gaussian resolution σ.
    fix_width
        If given, Γ is fixed to this value (GeV) instead of fitted.

    Returns
    -------
    ResonanceFit
    """
    if histogram.ndim != 1:
        raise ValueError(f"fit_resonance needs a 1D histogram, got {histogram.ndim} dimensions")
    counts = histogram.values()
    edges = histogram.axes[0].edges
    total = counts.sum()
    if total < 10:
        raise ValueError(f"too few entries to fit a resonance: {total:g}")

    def expected_cdf(x_edges, n_sig, n_bkg, mass, width, sigma, slope):
        return n_sig * _voigt_cdf_grid(x_edges, mass, width, sigma) + n_bkg * _exponential_cdf(
            x_edges, slope
        )

    cost = ExtendedBinnedNLL(counts, edges, expected_cdf)
    m = Minuit(
        cost,
        n_sig=0.9 * total,
        n_bkg=0.1 * total,
        mass=mass_guess,
        width=fix_width if fix_width is not None else width_guess,
        sigma=sigma_guess,
        slope=-0.02,
    )
    m.limits["n_sig"] = (0, 2 * total)
    m.limits["n_bkg"] = (0, 2 * total)
    m.limits["mass"] = (edges[0], edges[-1])
    m.limits["width"] = (1e-3, edges[-1] - edges[0])
    m.limits["sigma"] = (1e-3, edges[-1] - edges[0])
    m.limits["slope"] = (-1.0, 1.0)
    if fix_width is not None:
        m.fixed["width"] = True
    m.migrad()
    m.hesse()
    values = m.values
    expected = np.diff(expected_cdf(edges, *values))
    mask = expected > 0
    chi2 = float(np.sum((counts[mask] - expected[mask]) ** 2 / expected[mask]))
    n_free = sum(not m.fixed[p] for p in m.parameters)
    return ResonanceFit(
        mass=float(values["mass"]),
        mass_err=float(m.errors["mass"]),
        width=float(values["width"]),
        width_err=float(m.errors["width"]) if fix_width is None else 0.0,
        sigma=float(values["sigma"]),
        sigma_err=float(m.errors["sigma"]),
        n_signal=float(values["n_sig"]),
        n_signal_err=float(m.errors["n_sig"]),
        n_background=float(values["n_bkg"]),
        chi2=chi2,
        ndf=int(mask.sum() - n_free),
        valid=bool(m.valid),
        edges=edges,
        counts=counts,
        expected=expected,
    )


def pdg_mass_width(pdgid: int) -> tuple[float, float, float, float]:
    """PDG mass and width of a particle, in GeV, from the ``particle`` package.

    Returns
    -------
    mass, mass_err, width, width_err
        In GeV (the package stores MeV).
    """
    from particle import Particle

    p = Particle.from_pdgid(pdgid)
    mev = 1.0e-3
    return (
        p.mass * mev,
        0.5 * (p.mass_upper + p.mass_lower) * mev,
        p.width * mev,
        0.5 * (p.width_upper + p.width_lower) * mev,
    )
