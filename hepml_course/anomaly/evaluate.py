"""Efficiency tables of trigger scores at fixed background rates."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from hepml_course.metrics.trigger import efficiency_at_rates, lowest_supported_rate_khz

#: Rates (kHz) every table reports, before the statistics-limited lowest rate.
DEFAULT_RATES_KHZ: tuple[float, ...] = (10.0, 1.0)


def common_lowest_rate_khz(
    background_scores: Mapping[str, np.ndarray], weights: np.ndarray, min_events: int = 100
) -> float:
    """Lowest rate at which *every* trigger still has ≥ ``min_events`` background events.

    The maximum over triggers of :func:`~hepml_course.metrics.trigger.lowest_supported_rate_khz`.
    """
    return max(
        lowest_supported_rate_khz(s, weights, min_events) for s in background_scores.values()
    )


def efficiency_table(
    background_scores: Mapping[str, np.ndarray],
    background_weights: np.ndarray,
    signal_scores: Mapping[str, Mapping[str, np.ndarray]],
    rates_khz: list[float],
) -> dict[str, dict[str, dict[str, float]]]:
    """trigger → signal → rate (kHz, as a string key) → signal efficiency.

    Parameters
    ----------
    background_scores
        Trigger name → scores of the weighted background test events.
    background_weights
        Their weights.
    signal_scores
        Trigger name → signal name → scores.
    rates_khz
        Rates at which the thresholds are set.
    """
    table: dict[str, dict[str, dict[str, float]]] = {}
    for trig, bg in background_scores.items():
        if trig not in signal_scores:
            raise KeyError(f"no signal scores for trigger {trig!r}")
        table[trig] = {}
        for signal, sig in signal_scores[trig].items():
            eff = efficiency_at_rates(bg, background_weights, sig, rates_khz)
            table[trig][signal] = {_rate_key(r): round(e, 4) for r, e in eff.items()}
    return table


def _rate_key(rate_khz: float) -> str:
    return f"{rate_khz:.4g}"


def best_per_signal(table: Mapping[str, Mapping[str, Mapping[str, float]]], rate: str) -> dict:
    """signal → (best trigger name, efficiency) at the rate key ``rate``."""
    best: dict[str, tuple[str, float]] = {}
    for trig, per_signal in table.items():
        for signal, per_rate in per_signal.items():
            eff = per_rate[rate]
            if signal not in best or eff > best[signal][1]:
                best[signal] = (trig, eff)
    return best
