"""The resonance fit recovers known parameters and the PDG lookup has the right units."""

from __future__ import annotations

import hist
import numpy as np
import pytest

from hepml_course.analysis.resonance import fit_resonance, pdg_mass_width


def _toy(mass=91.19, width=2.5, sigma=1.0, n_sig=20000, n_bkg=2000, seed=3):
    rng = np.random.default_rng(seed)
    bw = mass + 0.5 * width * np.tan(np.pi * (rng.random(4 * n_sig) - 0.5))
    sig = bw + rng.normal(0, sigma, bw.size)
    sig = sig[(sig > 76) & (sig < 106)][:n_sig]
    bkg = 76 - np.log(1 - rng.random(n_bkg) * (1 - np.exp(-0.05 * 30))) / 0.05
    h = hist.Hist.new.Reg(60, 76, 106).Double()
    h.fill(np.concatenate([sig, bkg]))
    return h


def test_fit_recovers_mass_width_and_resolution():
    fit = fit_resonance(_toy(), mass_guess=90.0, width_guess=2.0, sigma_guess=1.5)
    assert fit.valid
    assert abs(fit.mass - 91.19) < 3 * fit.mass_err
    assert abs(fit.width - 2.5) < 3 * fit.width_err
    assert abs(fit.sigma - 1.0) < 3 * fit.sigma_err
    assert fit.p_value > 0.001


def test_fixed_width_is_not_fitted():
    fit = fit_resonance(_toy(), 90.0, 2.0, 1.5, fix_width=2.4952)
    assert fit.width == pytest.approx(2.4952)
    assert fit.width_err == 0.0


def test_bad_inputs():
    with pytest.raises(ValueError, match="too few entries"):
        fit_resonance(hist.Hist.new.Reg(10, 0, 1).Double(), 0.5, 0.1)
    with pytest.raises(ValueError, match="1D histogram"):
        fit_resonance(hist.Hist.new.Reg(10, 0, 1).Reg(10, 0, 1).Double(), 0.5, 0.1)


def test_pdg_z_in_gev():
    mass, mass_err, width, width_err = pdg_mass_width(23)
    assert mass == pytest.approx(91.1876, abs=0.01)
    assert width == pytest.approx(2.4955, abs=0.01)
    assert 0 < mass_err < 0.01
    assert 0 < width_err < 0.01
