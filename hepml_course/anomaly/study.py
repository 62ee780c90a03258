"""End-to-end studies used by the chapter and the benchmark.

:func:`train_trigger_models` trains the four trigger models on background,
:func:`score_all` evaluates them (and the cut-based baselines) on the weighted
background test set and the signals, :func:`trigger_table` turns scores into
efficiencies at fixed rates, :func:`run_dqm` runs the data-quality study.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import awkward as ak
import numpy as np

from hepml_course.anomaly.baselines import baseline_scores
from hepml_course.anomaly.dqm import (
    FAULTS,
    DQMAutoencoder,
    detection_rates,
    inject_fault,
    occupancy_maps,
    region_hits,
)
from hepml_course.anomaly.evaluate import (
    DEFAULT_RATES_KHZ,
    common_lowest_rate_khz,
    efficiency_table,
)
from hepml_course.anomaly.features import FeatureScaler, l1_features, region_images
from hepml_course.anomaly.models import CicadaStudent, ConvTeacher, DenseAutoencoder, TriggerVAE
from hepml_course.anomaly.sample import TriggerSample


@dataclass
class TriggerModels:
    """The trained trigger models and the input scaler."""

    ae: DenseAutoencoder
    vae: TriggerVAE
    teacher: ConvTeacher
    student: CicadaStudent
    scaler: FeatureScaler

    def scores(self, events: ak.Array) -> dict[str, np.ndarray]:
        """Score of every model for ``events``: name → array."""
        x = self.scaler.transform(l1_features(events))
        images = region_images(events)
        return {
            "autoencoder": self.ae.score(x),
            "axol1tl_vae": self.vae.score(x),
            "vae_kl": self.vae.score(x, kind="kl"),
            "cicada_teacher": self.teacher.score(images),
            "cicada_student": self.student.score(images),
        }


def train_trigger_models(
    train: ak.Array, seed: int = 0, epochs: int = 15, teacher_epochs: int = 8
) -> TriggerModels:
    """Train the dense AE, the VAE, the CICADA teacher and its student on background.

    Parameters
    ----------
    train
        Background training events (``TriggerSample.train``).
    seed
        Seed of every model.
    epochs
        Maximum epochs of the dense AE, the VAE and the student (early stopping
        may end them sooner).
    teacher_epochs
        Maximum epochs of the convolutional teacher.
    """
    scaler = FeatureScaler()
    x = scaler.transform(l1_features(train))
    images = region_images(train)
    ae = DenseAutoencoder(epochs=epochs).fit(x, seed=seed)
    vae = TriggerVAE(epochs=epochs).fit(x, seed=seed)
    teacher = ConvTeacher(epochs=teacher_epochs).fit(images, seed=seed)
    # distillation: the teacher's scores are the student's targets
    student = CicadaStudent(epochs=epochs).fit(images, teacher.score(images), seed=seed)
    return TriggerModels(ae, vae, teacher, student, scaler)


@dataclass
class Scores:
    """Scores of the weighted background test set and of each signal."""

    background: dict[str, np.ndarray]
    weight: np.ndarray
    signals: dict[str, dict[str, np.ndarray]]  # trigger → signal → scores


def score_all(
    sample: TriggerSample, models: TriggerModels | None = None, baselines: bool = False
) -> Scores:
    """Scores of the models (or, with ``baselines=True``, the cut-based triggers)."""
    if (models is None) == (not baselines):
        raise ValueError("pass either models or baselines=True")

    def fn(ev: ak.Array) -> dict[str, np.ndarray]:
        return baseline_scores(ev) if baselines else models.scores(ev)

    bg = fn(sample.test)
    per_signal = {name: fn(ev) for name, ev in sample.signals.items()}
    signals = {trig: {s: per_signal[s][trig] for s in per_signal} for trig in bg}
    return Scores(bg, sample.test_weight, signals)


def trigger_table(
    model_scores: Scores, base_scores: Scores, min_events: int = 100
) -> dict[str, Any]:
    """Efficiencies at 10 kHz, 1 kHz and the lowest rate every trigger supports.

    Returns
    -------
    dict
        ``{"rates_khz": [...], "models": {...}, "baselines": {...}}`` with
        efficiencies keyed by the rate formatted with 4 significant digits.
    """
    all_bg = {**model_scores.background, **base_scores.background}
    lowest = common_lowest_rate_khz(all_bg, model_scores.weight, min_events)
    rates = [r for r in DEFAULT_RATES_KHZ if r > lowest] + [float(f"{lowest:.4g}")]
    return {
        "rates_khz": rates,
        "models": efficiency_table(
            model_scores.background, model_scores.weight, model_scores.signals, rates
        ),
        "baselines": efficiency_table(
            base_scores.background, base_scores.weight, base_scores.signals, rates
        ),
    }


@dataclass
class DQMStudy:
    """Maps, model and results of the data-quality study."""

    model: DQMAutoencoder
    normal: np.ndarray
    faulty: dict[str, np.ndarray]
    masks: dict[str, np.ndarray]
    results: dict[str, dict[str, float]]


def run_dqm(
    events: ak.Array,
    n_train: int = 1500,
    n_test: int = 500,
    events_per_map: int = 2000,
    epochs: int = 40,
    seed: int = 0,
) -> DQMStudy:
    """Build normal maps from minimum-bias + QCD events, train, inject faults, measure.

    Parameters
    ----------
    events
        ``l1`` events; minimum bias (process 0) and the lowest QCD slices (1, 2)
        are used.
    n_train
        Normal maps to train on (20 % of them calibrate the residual scale).
    n_test
        Normal maps for the threshold, for the false-alarm rate, and per fault.
    events_per_map
        Events per map.
    epochs, seed
        Training epochs and seed.
    """
    process = ak.to_numpy(events.process)
    hits = region_hits(region_images(events))
    soft, hard = hits[process == 0], hits[(process == 1) | (process == 2)]
    # disjoint event pools for training and testing maps
    half_s, half_h = len(soft) // 2, len(hard) // 2
    train_maps = occupancy_maps(soft[:half_s], hard[:half_h], n_train, events_per_map, seed=seed)
    test_pool = (soft[half_s:], hard[half_h:])
    calibration = occupancy_maps(*test_pool, n_test, events_per_map, seed=seed + 1)
    normal = occupancy_maps(*test_pool, n_test, events_per_map, seed=seed + 2)
    base = occupancy_maps(*test_pool, n_test, events_per_map, seed=seed + 3)
    faulty, masks = {}, {}
    for i, kind in enumerate(FAULTS):
        faulty[kind], masks[kind] = inject_fault(base, kind, seed=seed + 10 + i)
    model = DQMAutoencoder(epochs=epochs).fit(train_maps, seed=seed)
    results = detection_rates(model, calibration, normal, faulty)
    return DQMStudy(model, normal, faulty, masks, results)
