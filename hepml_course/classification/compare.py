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

from hepml_course.classification.jets import JetSplit
from hepml_course.metrics import classification as metrics

#: Model names in the comparison, generation by generation.
MODEL_NAMES: tuple[str, ...] = ("bdt", "dnn", "deepsets", "part")


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
    dnn_epochs, deepsets_epochs, part_epochs
        Maximum epochs (early stopping on 10 % of the training jets).
    part_n_particles
        The Particle Transformer reads only this many of the hardest
        constituents: its cost grows as N² (pair features, attention).
    part_max_train
        Train the Particle Transformer on at most this many training jets (its
        cost per jet is the highest); None = all.
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


CHAPTER = CompareConfig()
LONG = replace(
    CHAPTER,
    n_particles=50,
    dnn_epochs=150,
    deepsets_epochs=80,
    part_epochs=40,
    part_n_particles=30,
)


def make_models(cfg: CompareConfig, feature_names: tuple[str, ...]) -> dict[str, Any]:
    """Untrained taggers of the comparison, keyed by :data:`MODEL_NAMES`."""
    from hepml_course.classification.bdt import BDTTagger
    from hepml_course.classification.deepsets import DeepSetsTagger
    from hepml_course.classification.dnn import DNNTagger
    from hepml_course.classification.transformer import ParticleTransformerTagger

    return {
        "bdt": BDTTagger(feature_names, max_iter=cfg.bdt_iter, seed=cfg.seed),
        "dnn": DNNTagger(feature_names, epochs=cfg.dnn_epochs, seed=cfg.seed),
        "deepsets": DeepSetsTagger(cfg.n_particles, epochs=cfg.deepsets_epochs, seed=cfg.seed),
        "part": ParticleTransformerTagger(
            min(cfg.part_n_particles, cfg.n_particles), epochs=cfg.part_epochs, seed=cfg.seed
        ),
    }


def fit_model(name: str, model: Any, split: JetSplit, cfg: CompareConfig) -> float:
    """Train one model of the comparison on ``split``; returns the wall time in seconds."""
    start = time.perf_counter()
    if name in ("bdt", "dnn"):
        model.fit(split.hlf_train, split.y_train, split.feature_names)
    else:
        n_jets = len(split.y_train)
        limit = cfg.part_max_train if name == "part" else None
        idx = np.arange(n_jets) if limit is None or limit >= n_jets else np.arange(limit)
        mult = split.hlf_train[idx, split.feature_names.index("j_multiplicity")]
        n = model.n_particles  # the hardest n constituents (pT-ordered)
        model.fit(
            split.particles_train[idx, :n], split.mask_train[idx, :n], split.y_train[idx], mult
        )
    return time.perf_counter() - start


def predict_model(name: str, model: Any, split: JetSplit) -> np.ndarray:
    """Class probabilities of the test jets."""
    if name in ("bdt", "dnn"):
        return model.predict_proba(split.hlf_test, split.feature_names)
    mult = split.hlf_test[:, split.feature_names.index("j_multiplicity")]
    n = model.n_particles
    return model.predict_proba(split.particles_test[:, :n], split.mask_test[:, :n], mult)


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
        proba = predict_model(name, model, split)
        results[name] = {
            **metrics.summary(split.y_test, proba, split.class_names),
            "n_params": model.n_params,
            "train_s": train_s,
        }
        probas[name] = proba
    return results, probas, models
