"""The chapter's model comparison: one configuration, every model, the same jets.

:data:`CHAPTER` is what the notebook trains live (sized for ≤ 120 s on 2 CPU
cores); :data:`LONG` trains longer on all jets (``python -m hepml_course.bench
classification --long``).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from hepml_course.classification.jets import HLF_FEATURES, JetSplit
from hepml_course.metrics import classification as metrics

#: Model names in the comparison, generation by generation.
MODEL_NAMES: tuple[str, ...] = ("bdt", "dnn", "deepsets", "part", "particlenet")


@dataclass(frozen=True)
class CompareConfig:
    """Sizes and training schedules of the comparison.

    Attributes
    ----------
    n_particles
        Constituents per jet for the particle models.
    max_jets
        Jets used in total (train + test), class-stratified; None = all.
    test_fraction, seed
        Split and seeds.
    bdt_iter
        Boosting rounds of the BDT (early stopping may stop sooner).
    dnn_epochs, deepsets_epochs, part_epochs, particlenet_epochs
        Maximum epochs (early stopping on 10 % of the training jets).
    part_n_particles
        The Particle Transformer reads only this many of the hardest
        constituents: its cost grows as N² (pair features, attention).
    part_max_train
        Train the Particle Transformer on at most this many training jets (its
        cost per jet is the highest); None = all.
    dataset
        The labelled jet dataset (``"jets_v2"``: multi-parton interactions on,
        10 000 jets per class; ``"jets"``: the idealised sample).
    """

    n_particles: int = 30
    max_jets: int | None = None
    test_fraction: float = 0.25
    seed: int = 0
    bdt_iter: int = 200
    dnn_epochs: int = 40
    deepsets_epochs: int = 30
    part_epochs: int = 8
    part_n_particles: int = 16
    part_max_train: int | None = None
    particlenet_epochs: int = 8
    dataset: str = "jets"


#: The chapter's live comparison: 15 000 of the 50 000 ``jets_v2`` jets (≤ 120 s on 2 cores).
CHAPTER = CompareConfig(dataset="jets_v2", max_jets=15_000)
LONG = replace(
    CHAPTER,
    max_jets=None,
    n_particles=50,
    dnn_epochs=150,
    deepsets_epochs=80,
    part_epochs=40,
    part_n_particles=30,
    particlenet_epochs=40,
)


def make_models(
    cfg: CompareConfig, feature_names: tuple[str, ...] = HLF_FEATURES
) -> dict[str, Any]:
    """Untrained taggers of the comparison, keyed by :data:`MODEL_NAMES`."""
    from hepml_course.classification.bdt import BDTTagger
    from hepml_course.classification.deepsets import DeepSetsTagger
    from hepml_course.classification.dnn import DNNTagger
    from hepml_course.classification.particlenet import ParticleNetTagger
    from hepml_course.classification.transformer import ParticleTransformerTagger

    return {
        "bdt": BDTTagger(feature_names=feature_names, max_iter=cfg.bdt_iter),
        "dnn": DNNTagger(feature_names=feature_names, epochs=cfg.dnn_epochs),
        "deepsets": DeepSetsTagger(n_particles=cfg.n_particles, epochs=cfg.deepsets_epochs),
        "part": ParticleTransformerTagger(
            n_particles=min(cfg.part_n_particles, cfg.n_particles), epochs=cfg.part_epochs
        ),
        "particlenet": ParticleNetTagger(
            n_particles=cfg.n_particles, epochs=cfg.particlenet_epochs
        ),
    }


def fit_model(name: str, model: Any, split: JetSplit, cfg: CompareConfig) -> float:
    """Train one model of the comparison on ``split``; returns the wall time in seconds.

    Every model gets the same input container (``split.x_train``); a
    ``<name>_max_train`` field of ``cfg``, when set, limits the training jets.
    """
    x, y = split.x_train, split.y_train
    limit = getattr(cfg, f"{name}_max_train", None)
    if limit is not None and limit < len(y):
        x, y = x[:limit], y[:limit]
    start = time.perf_counter()
    model.fit(x, y, seed=cfg.seed)
    return time.perf_counter() - start


def predict_model(model: Any, split: JetSplit) -> np.ndarray:
    """Class probabilities ``(n_test, n_classes)`` of the test jets."""
    return model.predict_proba(split.x_test)


def run_comparison(
    split: JetSplit, cfg: CompareConfig = CHAPTER, names: tuple[str, ...] = MODEL_NAMES
) -> tuple[dict[str, dict], dict[str, np.ndarray], dict[str, Any]]:
    """Train and evaluate the models ``names`` on one split.

    Returns
    -------
    results : dict
        Name → ``{"accuracy", "auc", "rej50", "n_params", "train_s"}``.
    probas : dict
        Name → test-set class probabilities.
    models : dict
        Name → trained tagger.
    """
    models = {k: v for k, v in make_models(cfg, split.feature_names).items() if k in names}
    results, probas = {}, {}
    for name, model in models.items():
        train_s = fit_model(name, model, split, cfg)
        proba = predict_model(model, split)
        results[name] = {
            **metrics.summary(split.y_test, proba, split.class_names),
            "n_params": model.n_params,
            "train_s": train_s,
        }
        probas[name] = proba
    return results, probas, models
