"""The chapter's measurement: pick the template observable, then a Neyman toy study.

Both methods measure θ on the same pseudo-experiments (disjoint draws from the
``pseudo_data`` pool, generated at a θ that no training sample used), so their
interval widths and coverages compare like with like.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from hepml_course.inference.coverage import (
    CoverageResult,
    draw_toys,
    neyman_coverage,
    toy_intervals,
)
from hepml_course.inference.errors import ScanError
from hepml_course.inference.sample import EventShapeSample
from hepml_course.inference.scan import Interval
from hepml_course.inference.templates import TemplateFit

#: Events per pseudo-experiment in the chapter and the benchmark (small against the
#: 15 000 training events per θ value, so that the learned ratio's own statistical
#: imprecision stays small against the toys' interval widths).
TOY_SIZE = 500
#: θ values of the learned likelihood scan: the trained range in steps of 0.001.
THETA_SCAN_GRID = np.round(np.linspace(0.110, 0.150, 41), 4)


def template_widths(
    train: EventShapeSample,
    validation: EventShapeSample,
    *,
    value: float,
    n_toys: int | None = None,
    toy_size: int = TOY_SIZE,
    bins: int = 20,
    seed: int = 0,
) -> dict[str, float]:
    """Mean 68 % interval width of a template fit of each observable, on validation toys.

    The templates are fitted on ``train``; the pseudo-experiments are disjoint
    draws from the ``validation`` events at θ = ``value`` (by default as many as
    the pool holds) — never from the pseudo-data used to report results, so
    choosing the best observable does not tune on the test sample.

    Returns
    -------
    dict
        Observable name → mean width of the 68 % interval (units of θ); ``inf``
        if no pseudo-experiment gave an interval inside the template range.
    """
    pool = validation.at(value)
    n_toys = len(pool) // toy_size if n_toys is None else n_toys
    toys = draw_toys(len(pool), n_toys, toy_size, seed=seed)
    widths = {}
    for name in train.observables:
        fit = TemplateFit(bins=bins).fit(train.column(name), train.theta)
        x = pool.column(name)
        intervals = [_measure_or_none(fit, x[idx]) for idx in toys]
        done = [i.width68 for i in intervals if i is not None]
        # an observable without sensitivity never brackets its minimum: infinitely wide
        widths[name] = float(np.mean(done)) if done else float("inf")
    return widths


def _measure_or_none(fit: TemplateFit, x: np.ndarray) -> Interval | None:
    """A template fit's interval, or ``None`` when the scan leaves the template range."""
    try:
        return fit.measure(x)
    except ScanError:
        return None


@dataclass(frozen=True)
class StudyResult:
    """Intervals of both methods on the same pseudo-experiments.

    Attributes
    ----------
    template, learned
        Coverage summaries (:class:`CoverageResult`) of the template fit and of
        the learned likelihood ratio.
    template_intervals, learned_intervals
        One :class:`Interval` per pseudo-experiment, in the same order
        (``None`` where the scan failed; counted as not covering).
    toy_size
        Events per pseudo-experiment.
    """

    template: CoverageResult
    learned: CoverageResult
    template_intervals: list[Interval | None]
    learned_intervals: list[Interval | None]
    toy_size: int

    @property
    def width_ratio_68(self) -> float:
        """Mean learned 68 % width / mean template 68 % width."""
        return self.learned.mean_width68 / self.template.mean_width68


def coverage_study(
    classifier,
    template_fit: TemplateFit,
    template_observable: str,
    pseudo_data: EventShapeSample,
    *,
    theta_grid: np.ndarray,
    n_toys: int,
    toy_size: int = TOY_SIZE,
    seed: int = 0,
) -> StudyResult:
    """Measure θ with both methods on ``n_toys`` disjoint pseudo-experiments.

    Parameters
    ----------
    classifier
        A fitted :class:`~hepml_course.inference.ParametrisedClassifier` whose
        features are ``pseudo_data.observables``.
    template_fit
        A fitted :class:`TemplateFit` of ``template_observable``.
    pseudo_data
        Events all generated at one true θ (``pseudo_data.theta``).
    theta_grid
        ``(G,)`` increasing θ values of the learned likelihood scan.
    n_toys, toy_size, seed
        Number and size of the pseudo-experiments and the seed of their draw.
    """
    true_values = pseudo_data.values
    if len(true_values) != 1:
        raise ValueError(f"pseudo-data must come from one θ value; got {true_values.tolist()}")
    true_value = float(true_values[0])
    toys = draw_toys(len(pseudo_data), n_toys, toy_size, seed=seed)
    x_template = pseudo_data.column(template_observable)
    template_intervals = [_measure_or_none(template_fit, x_template[idx]) for idx in toys]
    # the network is evaluated once on the events of all toys, then each toy is scanned
    used = np.concatenate(toys)
    log_ratio = classifier.log_ratio(pseudo_data.X[used], theta_grid)
    positions = np.split(np.arange(len(used)), len(toys))
    learned_intervals = toy_intervals(theta_grid, log_ratio, positions)
    return StudyResult(
        template=neyman_coverage(template_intervals, true_value),
        learned=neyman_coverage(learned_intervals, true_value),
        template_intervals=template_intervals,
        learned_intervals=learned_intervals,
        toy_size=toy_size,
    )
