"""Trigger figures of merit: rates at 40 MHz, thresholds at fixed rate, signal efficiencies.

A trigger keeps an event when its score exceeds a threshold.  The background
sample stands for the collisions that reach the trigger, with cross-section
weights ``w`` (any unit, e.g. pb): the fraction of bunch crossings accepted is
the *weighted* acceptance Σ w(pass) / Σ w(all), and the rate is

    rate = f_BX × Σ w(pass) / Σ w(all),

with the bunch-crossing rate f_BX = 40 MHz (one collision per crossing, no
pile-up).  At 40 MHz, 1 kHz is an acceptance of 2.5 × 10⁻⁵: a trigger is
tuned on its *false-positive rate*, deep in the tail of the background.

Conventions: rates in kHz, thresholds in the units of the score, "pass" means
``score > threshold`` (strictly).
"""

from __future__ import annotations

import numpy as np

#: LHC bunch-crossing rate used for rate conversions, kHz.
BUNCH_CROSSING_RATE_KHZ = 40_000.0


def _check(scores: np.ndarray, weights: np.ndarray | None, what: str) -> tuple:
    scores = np.asarray(scores, dtype=np.float64)
    if scores.ndim != 1:
        raise ValueError(f"{what}: scores must be 1-D (one per event), got shape {scores.shape}")
    if not np.all(np.isfinite(scores)):
        raise ValueError(f"{what}: scores contain NaN or infinite values; fix the model inputs")
    if weights is None:
        weights = np.ones_like(scores)
    weights = np.asarray(weights, dtype=np.float64)
    if weights.shape != scores.shape:
        raise ValueError(
            f"{what}: weights have shape {weights.shape} but scores {scores.shape}; "
            "pass one weight per event"
        )
    if np.any(weights < 0) or not np.all(np.isfinite(weights)):
        raise ValueError(f"{what}: weights must be finite and non-negative")
    if weights.sum() <= 0:
        raise ValueError(f"{what}: the weights sum to zero")
    return scores, weights


def acceptance_to_rate_khz(
    acceptance: float | np.ndarray, crossing_rate_khz: float = BUNCH_CROSSING_RATE_KHZ
) -> float | np.ndarray:
    """Trigger rate (kHz) of a selection that accepts this fraction of the crossings."""
    value = np.asarray(acceptance, dtype=np.float64) * crossing_rate_khz
    return float(value) if value.ndim == 0 else value


def rate_khz_to_acceptance(
    rate_khz: float | np.ndarray, crossing_rate_khz: float = BUNCH_CROSSING_RATE_KHZ
) -> float | np.ndarray:
    """Fraction of crossings (false-positive rate) that a trigger rate (kHz) corresponds to."""
    value = np.asarray(rate_khz, dtype=np.float64) / crossing_rate_khz
    return float(value) if value.ndim == 0 else value


def trigger_rate_khz(
    passed: np.ndarray,
    weights: np.ndarray,
    crossing_rate_khz: float = BUNCH_CROSSING_RATE_KHZ,
) -> float:
    """Rate (kHz) of a selection on the weighted background sample.

    Parameters
    ----------
    passed
        Boolean decision per background event.
    weights
        Cross-section weight per event.
    """
    passed = np.asarray(passed, dtype=bool)
    _, weights = _check(passed.astype(float), weights, "trigger_rate_khz")
    return float(weights[passed].sum() / weights.sum() * crossing_rate_khz)


def rate_curve(
    scores: np.ndarray,
    weights: np.ndarray | None = None,
    crossing_rate_khz: float = BUNCH_CROSSING_RATE_KHZ,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Rate of the trigger ``score > threshold`` for every distinct threshold.

    Returns
    -------
    thresholds
        Distinct score values, ascending; the last one passes nothing.
    rate_khz
        Rate for ``score > thresholds[i]`` (descending).
    n_passing
        Number of (unweighted) background events passing each threshold.
    """
    scores, weights = _check(scores, weights, "rate_curve")
    thresholds, inverse = np.unique(scores, return_inverse=True)
    w_at = np.bincount(inverse, weights=weights, minlength=len(thresholds))
    n_at = np.bincount(inverse, minlength=len(thresholds))
    # events strictly above thresholds[i]: sum over j > i
    w_above = np.concatenate([np.cumsum(w_at[::-1])[::-1][1:], [0.0]])
    n_above = np.concatenate([np.cumsum(n_at[::-1])[::-1][1:], [0]])
    return thresholds, w_above / weights.sum() * crossing_rate_khz, n_above


def threshold_at_rate(
    scores: np.ndarray,
    weights: np.ndarray | None,
    rate_khz: float,
    crossing_rate_khz: float = BUNCH_CROSSING_RATE_KHZ,
) -> float:
    """Lowest threshold whose rate does not exceed ``rate_khz``.

    Parameters
    ----------
    scores, weights
        Background scores and cross-section weights.
    rate_khz
        Allowed rate, kHz.

    Returns
    -------
    float
        Threshold ``t``: the trigger ``score > t`` has rate ≤ ``rate_khz``.
    """
    if not rate_khz > 0:
        raise ValueError(f"rate_khz must be positive, got {rate_khz}")
    thresholds, rates, _ = rate_curve(scores, weights, crossing_rate_khz)
    ok = np.flatnonzero(rates <= rate_khz)
    return float(thresholds[ok[0]])


def efficiency_at_rates(
    background_scores: np.ndarray,
    background_weights: np.ndarray | None,
    signal_scores: np.ndarray,
    rates_khz: list[float] | np.ndarray,
    crossing_rate_khz: float = BUNCH_CROSSING_RATE_KHZ,
) -> dict[float, float]:
    """Signal efficiency of the trigger tuned to each background rate.

    Returns
    -------
    dict
        rate (kHz) → fraction of signal events with score above the threshold.
    """
    signal_scores, _ = _check(signal_scores, None, "efficiency_at_rates (signal)")
    result = {}
    for rate in rates_khz:
        threshold = threshold_at_rate(
            background_scores, background_weights, float(rate), crossing_rate_khz
        )
        result[float(rate)] = float(np.mean(signal_scores > threshold))
    return result


def lowest_supported_rate_khz(
    scores: np.ndarray,
    weights: np.ndarray,
    min_events: int = 100,
    crossing_rate_khz: float = BUNCH_CROSSING_RATE_KHZ,
) -> float:
    """Lowest rate at which at least ``min_events`` background events still pass.

    Below it the rate estimate rests on fewer than ``min_events`` simulated
    events (statistical uncertainty above ≈ 1/√min_events).

    Returns
    -------
    float
        The rate (kHz) of the tightest threshold with ≥ ``min_events`` passing.
    """
    _, rates, n_passing = rate_curve(scores, weights, crossing_rate_khz)
    ok = np.flatnonzero(n_passing >= min_events)
    if len(ok) == 0:
        raise ValueError(
            f"fewer than {min_events} background events in total: "
            "generate a larger sample (hepml-course data generate l1 --events ...)"
        )
    return float(rates[ok[-1]])


def roc_curve(
    background_scores: np.ndarray,
    background_weights: np.ndarray | None,
    signal_scores: np.ndarray,
    crossing_rate_khz: float = BUNCH_CROSSING_RATE_KHZ,
) -> tuple[np.ndarray, np.ndarray]:
    """Trigger ROC curve: background rate (kHz) versus signal efficiency.

    Returns
    -------
    rate_khz, efficiency
        One point per distinct background score value (rate descending).
    """
    signal_scores, _ = _check(signal_scores, None, "roc_curve (signal)")
    thresholds, rates, _ = rate_curve(background_scores, background_weights, crossing_rate_khz)
    sorted_sig = np.sort(signal_scores)
    above = len(sorted_sig) - np.searchsorted(sorted_sig, thresholds, side="right")
    return rates, above / len(sorted_sig)
