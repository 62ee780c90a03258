"""Predictive uncertainty of the tagger: deep ensembles and Monte-Carlo dropout.

A deep ensemble (Lakshminarayanan, Pritzel & Blundell 2017) trains M copies
of the same network from different random initialisations (and batch orders)
and averages their probabilities; the members' spread is an estimate of the
model (epistemic) uncertainty, and the average is usually better calibrated
than one member.  Monte-Carlo dropout (Gal & Ghahramani 2016) keeps dropout
active at inference and averages many stochastic forward passes of one
network: a cheaper approximation of the same idea.

Calibration is measured with :mod:`hepml_course.metrics.calibration`
(reliability curve and expected calibration error, ECE).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any, ClassVar

import numpy as np

from hepml_course import nn
from hepml_course.classification.jets import HLF_FEATURES
from hepml_course.metrics.calibration import expected_calibration_error, reliability_curve
from hepml_course.systematics.sample import TaggingSample
from hepml_course.systematics.tagger import BinaryTagger, check_features


def member_seeds(seed: int, n: int) -> list[int]:
    """``n`` independent 32-bit seeds derived from ``seed`` (same seed → same list)."""
    if n < 1:
        raise ValueError(f"the number of seeds must be ≥ 1, got {n}")
    return [int(s.generate_state(1)[0]) for s in np.random.SeedSequence(int(seed)).spawn(n)]


#: Rows per direct call of a Keras model (bounds the memory of one forward pass).
_ROWS_PER_CALL = 50_000


def _forward(model: Any, x: np.ndarray, *, training: bool = False) -> np.ndarray:
    """First output column of ``model(x, training=...)`` as float64, shape (n_rows,).

    A direct call, without the per-call overhead of ``model.predict``; with
    ``training=True`` the dropout layers are active.
    """
    out = [
        np.asarray(model(x[i : i + _ROWS_PER_CALL], training=training), dtype=np.float64)[:, 0]
        for i in range(0, len(x), _ROWS_PER_CALL)
    ]
    return np.concatenate(out) if out else np.empty(0)


class DeepEnsemble(nn.Estimator):
    """M :class:`BinaryTagger` members trained with different seeds; the output is their mean.

    Parameters
    ----------
    n_members
        Number of members M (≥ 2).
    feature_names, hidden, epochs, batch_size, learning_rate, validation_fraction, patience
        Hyper-parameters of every member (see :class:`BinaryTagger`; no dropout).

    Attributes
    ----------
    members_ : list of BinaryTagger
        The trained members; member k was fitted with ``member_seeds(seed, M)[k]``
        (its initial weights, early-stopping split and batch order differ).
    seeds_ : list of int
        Those member seeds.
    train_s_ : float
        Total training wall time in seconds.
    """

    _fitted_attributes: ClassVar[tuple[str, ...]] = ("members_",)

    def __init__(
        self,
        *,
        n_members: int = 5,
        feature_names: Sequence[str] = HLF_FEATURES,
        hidden: Sequence[int] = (64, 64, 32),
        epochs: int = 40,
        batch_size: int = 256,
        learning_rate: float = 2e-3,
        validation_fraction: float = 0.15,
        patience: int = 4,
    ) -> None:
        self.n_members = n_members
        self.feature_names = feature_names
        self.hidden = hidden
        self.epochs = epochs
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.validation_fraction = validation_fraction
        self.patience = patience

    def _member(self) -> BinaryTagger:
        return BinaryTagger(
            feature_names=self.feature_names,
            hidden=self.hidden,
            epochs=self.epochs,
            batch_size=self.batch_size,
            learning_rate=self.learning_rate,
            validation_fraction=self.validation_fraction,
            patience=self.patience,
        )

    def fit(self, X: Any, y: Any, *, sample_weight: Any = None, seed: int = 0) -> DeepEnsemble:
        """Train the M members on the same jets, each with its own seed.

        Parameters
        ----------
        X
            ``(n_jets, len(feature_names))`` features.
        y
            ``(n_jets,)`` labels, 1 = W/Z jet, 0 = QCD jet.
        sample_weight
            Optional ``(n_jets,)`` non-negative weights (the same for every member).
        seed
            Seeds the member seeds (same seed → same ensemble).
        """
        if int(self.n_members) != self.n_members or self.n_members < 2:
            raise ValueError(
                f"n_members must be an integer ≥ 2 (an ensemble of one is a single "
                f"network: use BinaryTagger), got {self.n_members}"
            )
        x = check_features(X, len(self.feature_names))
        seeds = member_seeds(seed, int(self.n_members))
        start = time.perf_counter()
        self.members_ = [
            self._member().fit(x, y, sample_weight=sample_weight, seed=s) for s in seeds
        ]
        self.seeds_ = seeds
        self.train_s_ = time.perf_counter() - start
        return self

    def member_proba(self, X: Any) -> np.ndarray:
        """P(W/Z jet) of every member, shape (n_members, n_jets)."""
        self._check_is_fitted()
        x = check_features(X, len(self.feature_names))
        return np.stack([_forward(m.model_, m.scaler_.transform(x)) for m in self.members_])

    def predict_proba(
        self, X: Any, *, return_std: bool = False
    ) -> np.ndarray | tuple[np.ndarray, np.ndarray]:
        """Mean P(W/Z jet) over the members, shape (n_jets,).

        Parameters
        ----------
        X
            ``(n_jets, len(feature_names))`` features.
        return_std
            Also return the members' standard deviation per jet, shape (n_jets,).
        """
        p = self.member_proba(X)
        mean = p.mean(axis=0)
        return (mean, p.std(axis=0)) if return_std else mean

    def predict(self, X: Any, *, threshold: float = 0.5) -> np.ndarray:
        """Labels (1 = W/Z jet) by cutting the mean probability at ``threshold``."""
        return (self.predict_proba(X) > threshold).astype(np.int64)

    def _save_state(self, writer: Any) -> dict[str, Any]:
        for k, m in enumerate(self.members_):
            writer.keras_weights(f"member{k}", m.model_)
        return {
            "seeds": self.seeds_,
            "scalers": [m.scaler_.to_dict() for m in self.members_],
            "histories": [m.history_ for m in self.members_],
            "train_s": [m.train_s_ for m in self.members_],
        }

    def _load_state(self, reader: Any, state: dict[str, Any]) -> None:
        members = []
        for k, scaler in enumerate(state["scalers"]):
            m = self._member()
            m.model_ = reader.keras_weights(f"member{k}", m._build())
            m.scaler_ = nn.Standardiser.from_dict(scaler)
            m.history_, m.train_s_ = state["histories"][k], state["train_s"][k]
            members.append(m)
        self.members_, self.seeds_ = members, list(state["seeds"])
        self.train_s_ = float(sum(state["train_s"]))


class MCDropoutTagger(BinaryTagger):
    """A :class:`BinaryTagger` with dropout that stays on at inference (MC dropout).

    Parameters
    ----------
    dropout
        Dropout rate after every hidden layer, in (0, 1).
    n_samples
        Default number of stochastic forward passes of :meth:`predict_proba`.
    feature_names, hidden, epochs, batch_size, learning_rate, validation_fraction, patience
        As in :class:`BinaryTagger`.
    """

    def __init__(
        self,
        *,
        dropout: float = 0.1,
        n_samples: int = 30,
        feature_names: Sequence[str] = HLF_FEATURES,
        hidden: Sequence[int] = (64, 64, 32),
        epochs: int = 40,
        batch_size: int = 256,
        learning_rate: float = 2e-3,
        validation_fraction: float = 0.15,
        patience: int = 4,
    ) -> None:
        super().__init__(
            feature_names=feature_names,
            hidden=hidden,
            dropout=dropout,
            epochs=epochs,
            batch_size=batch_size,
            learning_rate=learning_rate,
            validation_fraction=validation_fraction,
            patience=patience,
        )
        self.n_samples = n_samples

    def fit(self, X: Any, y: Any, *, sample_weight: Any = None, seed: int = 0) -> MCDropoutTagger:
        """As :meth:`BinaryTagger.fit`; the dropout rate must be in (0, 1)."""
        if not 0.0 < self.dropout < 1.0:
            raise ValueError(
                f"dropout must be in (0, 1) for MC dropout, got {self.dropout}: with no "
                "dropout every forward pass is the same (use BinaryTagger)"
            )
        super().fit(X, y, sample_weight=sample_weight, seed=seed)
        return self

    def _seed_dropout(self, seed: int) -> None:
        """Reset the random state of every dropout layer (same seed → same masks)."""
        keras = nn.import_keras()
        layers = [la for la in self.model_.layers if isinstance(la, keras.layers.Dropout)]
        for layer, s in zip(layers, member_seeds(seed, max(len(layers), 1)), strict=False):
            state = layer.seed_generator.state
            state.assign(np.array([s, 0], dtype=state.dtype))

    def sample_proba(self, X: Any, *, n_samples: int | None = None, seed: int = 0) -> np.ndarray:
        """P(W/Z jet) of ``n_samples`` forward passes with dropout on, shape (n_samples, n_jets).

        Parameters
        ----------
        X
            ``(n_jets, len(feature_names))`` features.
        n_samples
            Number of passes (default: the ``n_samples`` hyper-parameter).
        seed
            Seeds the dropout masks (same seed → same samples).
        """
        self._check_is_fitted()
        n = self.n_samples if n_samples is None else n_samples
        if int(n) != n or n < 1:
            raise ValueError(f"n_samples must be a positive integer, got {n}")
        x = self.scaler_.transform(check_features(X, len(self.feature_names)))
        self._seed_dropout(seed)
        # several passes per call (the jets repeated): each row draws its own dropout masks
        per_call = max(1, _ROWS_PER_CALL // len(x))
        out = np.empty((int(n), len(x)))
        for first in range(0, int(n), per_call):
            k = min(per_call, int(n) - first)
            p = _forward(self.model_, np.tile(x, (k, 1)), training=True)
            out[first : first + k] = p.reshape(k, len(x))
        return out

    def predict_proba(
        self,
        X: Any,
        *,
        n_samples: int | None = None,
        seed: int = 0,
        return_std: bool = False,
    ) -> np.ndarray | tuple[np.ndarray, np.ndarray]:
        """Mean P(W/Z jet) over MC-dropout passes, shape (n_jets,) (and their std if asked).

        ``n_samples=0`` gives the deterministic network (dropout off, the usual
        weight-scaling approximation); other arguments as in :meth:`sample_proba`.
        """
        if n_samples == 0:
            p = super().predict_proba(X)
            return (p, np.zeros_like(p)) if return_std else p
        samples = self.sample_proba(X, n_samples=n_samples, seed=seed)
        mean = samples.mean(axis=0)
        return (mean, samples.std(axis=0)) if return_std else mean

    def predict(self, X: Any, *, threshold: float = 0.5, seed: int = 0) -> np.ndarray:
        """Labels (1 = W/Z jet) by cutting the MC-dropout mean at ``threshold``."""
        return (self.predict_proba(X, seed=seed) > threshold).astype(np.int64)


# --------------------------------------------------------------------------- study
#: Bins of the reliability diagram and of the ECE (equal width on [0, 1]).
CALIBRATION_BINS = 10
#: Training schedule of the quick (chapter) mode: bigger batches, at most 20 epochs.
QUICK_SCHEDULE: dict[str, Any] = {"batch_size": 512, "learning_rate": 4e-3, "epochs": 20}


def ece_floor(
    proba: Any, *, bins: int = CALIBRATION_BINS, n_toys: int = 200, seed: int = 0
) -> tuple[float, float]:
    """ECE of perfectly calibrated toy predictions: its statistical floor for this sample size.

    Labels are drawn as y ~ Bernoulli(p) for the given predictions p, so the
    predictions are calibrated by construction and any ECE is sampling noise.

    Parameters
    ----------
    proba
        (n,) predicted probabilities (their distribution sets the bin populations).
    bins
        Bins of :func:`~hepml_course.metrics.calibration.expected_calibration_error`.
    n_toys
        Number of toy label sets.
    seed
        Seeds the toys.

    Returns
    -------
    (mean, std) : tuple of float
        Mean and standard deviation of the toy ECEs.
    """
    p = np.asarray(proba, dtype=np.float64)
    if p.ndim != 1 or p.size == 0:
        raise ValueError(f"proba must be a non-empty 1-D array, got shape {p.shape}")
    rng = np.random.default_rng(seed)
    eces = [
        expected_calibration_error((rng.random(p.shape) < p).astype(np.int64), p, bins=bins)
        for _ in range(int(n_toys))
    ]
    return float(np.mean(eces)), float(np.std(eces))


def _curve(y: np.ndarray, p: np.ndarray) -> dict[str, list[float | None]]:
    centres, observed, predicted, counts = reliability_curve(y, p, bins=CALIBRATION_BINS)

    def clean(a: np.ndarray) -> list[float | None]:
        return [None if not np.isfinite(v) else float(v) for v in a]

    return {
        "bin_centres": clean(centres),
        "observed_fraction": clean(observed),
        "mean_predicted": clean(predicted),
        "counts": clean(counts),
    }


def _nll(y: np.ndarray, p: np.ndarray) -> float:
    q = np.clip(p, 1e-7, 1 - 1e-7)
    return float(-np.mean(y * np.log(q) + (1 - y) * np.log(1 - q)))


def calibration_study(
    train: TaggingSample,
    val: TaggingSample,
    test: TaggingSample,
    *,
    seed: int = 0,
    quick: bool = False,
) -> dict[str, Any]:
    """Is the average of M taggers better calibrated than one?  ECE on the test jets.

    Trains a :class:`DeepEnsemble` (M = 3 quick, 10 full) and a
    :class:`MCDropoutTagger` (dropout 0.1 quick; full mode chooses the rate in
    {0.05, 0.1, 0.2} by the validation log-loss of its MC mean); every member
    is one "single network".  All ECEs use
    :func:`~hepml_course.metrics.calibration.expected_calibration_error` with
    10 equal bins.  The ECE of a perfectly calibrated classifier on the same
    number of test jets is not zero: :func:`ece_floor` measures it with toys
    drawn from the ensemble's test predictions.

    Parameters
    ----------
    train, val, test
        The chapter's split.
    seed
        Seeds everything (same seed → same numbers).
    quick
        The chapter's configuration (M = 3, shorter schedule, 20 MC passes).

    Returns
    -------
    dict
        ``ece_single`` (mean ECE of the members), ``ece_single_std`` and
        ``ece_single_members``, ``ece_ensemble``, ``ece_mc_dropout``,
        ``ece_floor`` / ``ece_floor_std`` (toys), ``ece_excess_single`` /
        ``ece_excess_ensemble`` (ECE minus the floor), ``ratio_ensemble_to_single``,
        ``target_met`` (ensemble ≤ ½ single), ``nll_*`` and ``auc_*`` (test),
        ``mean_std_ensemble`` / ``mean_std_mc_dropout`` (mean per-jet spread),
        ``reliability`` (``single`` = member 0, ``ensemble``, ``mc_dropout``:
        bin centres, observed fraction, mean predicted, counts), ``n_members``,
        ``dropout``, ``n_test``, ``wall_s``; not JSON (the benchmark drops it):
        ``fitted`` (``{"ensemble", "mc_dropout"}``, the fitted models).
    """
    from sklearn.metrics import roc_auc_score

    start = time.perf_counter()
    n_members = 3 if quick else 10
    n_passes = 20 if quick else 50
    schedule = QUICK_SCHEDULE if quick else {}
    s_ens, s_mc, s_pass, s_toy = member_seeds(seed, 4)

    ensemble = DeepEnsemble(n_members=n_members, **schedule).fit(train.x, train.y, seed=s_ens)
    p_members = ensemble.member_proba(test.x)
    p_ens = p_members.mean(axis=0)
    std_ens = p_members.std(axis=0)

    rates = (0.1,) if quick else (0.05, 0.1, 0.2)
    val_nll: dict[str, float] = {}
    best: MCDropoutTagger | None = None
    for rate in rates:
        model = MCDropoutTagger(dropout=rate, n_samples=n_passes, **schedule)
        model.fit(train.x, train.y, seed=s_mc)
        val_nll[str(rate)] = _nll(val.y, model.predict_proba(val.x, seed=s_pass))
        if best is None or val_nll[str(rate)] < val_nll[str(best.dropout)]:
            best = model
    assert best is not None
    p_mc, std_mc = best.predict_proba(test.x, seed=s_pass, return_std=True)

    y = test.y
    ece_members = [expected_calibration_error(y, p, bins=CALIBRATION_BINS) for p in p_members]
    ece_ens = expected_calibration_error(y, p_ens, bins=CALIBRATION_BINS)
    ece_mc = expected_calibration_error(y, p_mc, bins=CALIBRATION_BINS)
    floor, floor_std = ece_floor(p_ens, seed=s_toy)
    single = float(np.mean(ece_members))
    return {
        "ece_single": single,
        "ece_single_std": float(np.std(ece_members)),
        "ece_single_members": [float(e) for e in ece_members],
        "ece_ensemble": float(ece_ens),
        "ece_mc_dropout": float(ece_mc),
        "ece_floor": floor,
        "ece_floor_std": floor_std,
        "ece_excess_single": single - floor,
        "ece_excess_ensemble": float(ece_ens) - floor,
        "ratio_ensemble_to_single": float(ece_ens / single),
        "target_met": bool(ece_ens <= 0.5 * single),
        "nll_single": float(np.mean([_nll(y, p) for p in p_members])),
        "nll_ensemble": _nll(y, p_ens),
        "nll_mc_dropout": _nll(y, p_mc),
        "auc_single": float(np.mean([roc_auc_score(y, p) for p in p_members])),
        "auc_ensemble": float(roc_auc_score(y, p_ens)),
        "auc_mc_dropout": float(roc_auc_score(y, p_mc)),
        "mean_std_ensemble": float(std_ens.mean()),
        "mean_std_mc_dropout": float(std_mc.mean()),
        "reliability": {
            "single": _curve(y, p_members[0]),
            "ensemble": _curve(y, p_ens),
            "mc_dropout": _curve(y, p_mc),
        },
        "n_members": n_members,
        "dropout": float(best.dropout),
        "dropout_validation_nll": val_nll,
        "mc_passes": n_passes,
        "bins": CALIBRATION_BINS,
        "n_test": len(test),
        "fitted": {"ensemble": ensemble, "mc_dropout": best},
        "wall_s": time.perf_counter() - start,
    }
