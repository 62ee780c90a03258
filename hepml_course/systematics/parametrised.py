"""A network parametrised in a nuisance: the jet-energy scale (JES) as an extra input.

Baldi et al. (2016) and Cranmer et al. (2015) train one classifier on
samples generated at several values of a parameter ν, with ν as an extra
input.  The network learns the whole family f(x; ν) and interpolates between
the values it saw; in an analysis ν is then fitted or profiled together with
the physics.  Here ν is a jet-energy-scale factor applied to the W/Z and QCD
jets alike (a detector effect), see :func:`apply_jes`.

What a uniform JES factor ν does to the 16 features
-----------------------------------------------------
The shift multiplies every constituent four-momentum by ν (the same factor
for all particles of the jet), so:

- ``j_mass_mmdt`` (GeV) → ν · m: an invariant mass scales with the momenta;
- mMDT grooming keeps the same constituents: its condition compares momentum
  *fractions* min(pT₁, pT₂)/(pT₁ + pT₂) > z_cut, unchanged when both scale;
- ``j_zlogz`` and the energy correlators behind ``j_c1_*`` … ``j_n2_*`` are
  built from momentum fractions z_i = pT_i / Σ pT and angles: unchanged, and so
  are their ratios (C2, D2, M2, N2);
- ``j_multiplicity`` (a count) is unchanged.

So only the groomed mass (and :attr:`TaggingSample.mass_gev`) moves.  Left
out (a stated simplification): constituents crossing a pT threshold, jets
migrating in or out of the sample's jet-pT window, and flavour- or
pT-dependent scale factors of a real calibration.
"""

from __future__ import annotations

import time
import warnings
from collections.abc import Sequence
from typing import Any, ClassVar, cast

import numpy as np

from hepml_course import nn
from hepml_course.classification.jets import HLF_FEATURES
from hepml_course.systematics.sample import MASS_FEATURE, TaggingSample
from hepml_course.systematics.tagger import (
    BinaryTagger,
    check_features,
    tagger_network,
    train_standardised,
)

#: Name of the nuisance column appended to the features inside :class:`ParametrisedTagger`.
NUISANCE_NAME = "nuisance"
#: JES factors the study trains on (ν = 1, the evaluation value, is left out).
TRAIN_NUISANCES: tuple[float, ...] = (0.70, 0.80, 0.90, 1.10, 1.20, 1.30)
#: The unseen JES factor the study evaluates the interpolation at.
EVAL_NUISANCE = 1.00
#: Test-time JES factors of the study's scan (trained and unseen values alternate).
SCAN_NUISANCES: tuple[float, ...] = tuple(
    float(v) for v in np.round(np.arange(0.70, 1.3001, 0.05), 2)
)


def _scale_per_jet(scale: Any, n: int, *, name: str = "scale") -> np.ndarray:
    """``scale`` as a finite, positive (n,) float64 array (a scalar is broadcast)."""
    arr = np.asarray(scale, dtype=np.float64)
    if arr.ndim == 0:
        arr = np.full(n, float(arr))
    if arr.shape != (n,):
        raise ValueError(
            f"{name} must be a scalar or have one value per jet, shape ({n},), got shape "
            f"{arr.shape}"
        )
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} holds NaN or infinite values: give finite numbers")
    if np.any(arr <= 0):
        raise ValueError(f"{name} must be positive (a JES factor such as 0.9 or 1.1)")
    return arr


def apply_jes(
    sample_or_x: TaggingSample | Any,
    scale: Any,
    *,
    feature_names: Sequence[str] = HLF_FEATURES,
) -> TaggingSample | np.ndarray:
    """Apply a jet-energy-scale factor ν to jets (to both classes: a detector effect).

    Only the dimensionful feature, the groomed mass ``j_mass_mmdt`` (GeV), is
    multiplied by ν; the dimensionless shapes and the multiplicity do not
    change (reasons in the module docstring).

    Parameters
    ----------
    sample_or_x
        A :class:`TaggingSample` (its ``x`` and ``mass_gev`` are both shifted) or
        a feature array of shape (n_jets, len(feature_names)).
    scale
        ν: a positive scalar, or shape (n_jets,) for one factor per jet
        (e.g. 0.8–1.2; 1 = nominal).
    feature_names
        Column names of a bare array (ignored for a sample, which carries its own).

    Returns
    -------
    TaggingSample or numpy.ndarray
        A shifted copy of the same kind; the input is left unchanged.
    """
    if isinstance(sample_or_x, TaggingSample):
        nu = _scale_per_jet(scale, len(sample_or_x))
        x = sample_or_x.x.copy()
        col = sample_or_x.mass_index
        x[:, col] = (x[:, col] * nu).astype(x.dtype)
        mass = (sample_or_x.mass_gev * nu).astype(sample_or_x.mass_gev.dtype)
        return TaggingSample(x, sample_or_x.y.copy(), mass, sample_or_x.feature_names)
    names = tuple(feature_names)
    if MASS_FEATURE not in names:
        raise ValueError(
            f"feature_names lack the groomed mass {MASS_FEATURE!r}, the only feature a JES "
            f"shift changes: pass the names of the columns of X, got {list(names)}"
        )
    x = check_features(sample_or_x, len(names)).copy()
    nu = _scale_per_jet(scale, len(x))
    col = names.index(MASS_FEATURE)
    x[:, col] = (x[:, col] * nu).astype(x.dtype)
    return x


class ParametrisedTagger(nn.Estimator):
    """The plain tagger with the nuisance ν as one more input: f(x; ν) = P(W/Z jet | x, ν).

    Trained on jets shifted to several values of ν (each row carries its ν);
    asked at any ν inside the trained range, including values between the
    trained ones (interpolation).  Outside the range the network would
    extrapolate, which nothing constrains: by default it refuses.

    Parameters
    ----------
    feature_names
        Names of the feature columns (ν is appended as the column ``"nuisance"``).
    hidden, dropout, epochs, batch_size, learning_rate, validation_fraction, patience
        As in :class:`~hepml_course.systematics.tagger.BinaryTagger`.
    out_of_range
        What :meth:`predict_proba` does with ν outside the trained range
        [min, max]: ``"raise"`` (default) a ``ValueError``; ``"warn"`` a
        ``UserWarning``, then it extrapolates.

    Attributes
    ----------
    model_ : keras.Model
        Network with ``len(feature_names) + 1`` inputs.
    scaler_ : hepml_course.nn.Standardiser
        Standardisation of the features and of ν.
    nuisance_range_ : tuple of float
        (min, max) of the ν values trained on.
    trained_nuisances_ : numpy.ndarray
        The distinct ν values trained on (sorted).
    history_ : dict
        Per-epoch ``loss`` and ``val_loss``.
    train_s_ : float
        Training wall time in seconds.
    """

    _fitted_attributes: ClassVar[tuple[str, ...]] = ("model_", "scaler_", "nuisance_range_")
    _OUT_OF_RANGE = ("raise", "warn")

    def __init__(
        self,
        *,
        feature_names: Sequence[str] = HLF_FEATURES,
        hidden: Sequence[int] = (64, 64, 32),
        dropout: float = 0.0,
        epochs: int = 40,
        batch_size: int = 256,
        learning_rate: float = 2e-3,
        validation_fraction: float = 0.15,
        patience: int = 4,
        out_of_range: str = "raise",
    ) -> None:
        self.feature_names = feature_names
        self.hidden = hidden
        self.dropout = dropout
        self.epochs = epochs
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.validation_fraction = validation_fraction
        self.patience = patience
        self.out_of_range = out_of_range

    def _build(self) -> Any:
        return tagger_network(
            len(self.feature_names) + 1, self.hidden, dropout=self.dropout, name="parametrised"
        )

    def _inputs(self, X: Any, nuisance: Any) -> np.ndarray:
        x = check_features(X, len(self.feature_names))
        nu = np.asarray(nuisance, dtype=np.float64)
        if nu.ndim == 0:
            nu = np.full(len(x), float(nu))
        if nu.shape != (len(x),):
            raise ValueError(
                f"nuisance must be a scalar or have one value per jet, shape ({len(x)},) "
                f"like X's {len(x)} rows, got shape {nu.shape}"
            )
        if not np.all(np.isfinite(nu)):
            raise ValueError("nuisance holds NaN or infinite values: give finite numbers")
        return np.concatenate([x, nu[:, None].astype(np.float32)], axis=1)

    def fit(
        self,
        X: Any,
        y: Any,
        *,
        nuisance: Any,
        sample_weight: Any = None,
        seed: int = 0,
    ) -> ParametrisedTagger:
        """Fit on jets that were shifted to the nuisance values given per row.

        Parameters
        ----------
        X
            ``(n_rows, len(feature_names))`` features, already shifted (e.g. by
            :func:`apply_jes`) to each row's ν.
        y
            ``(n_rows,)`` labels, 1 = W/Z jet, 0 = QCD jet.
        nuisance
            ``(n_rows,)`` the ν of each row; at least two distinct values.
        sample_weight
            Optional ``(n_rows,)`` non-negative weights.
        seed
            Seeds the initial weights, the validation split and the batch order.
        """
        if self.out_of_range not in self._OUT_OF_RANGE:
            raise ValueError(
                f"out_of_range must be one of {self._OUT_OF_RANGE}, got {self.out_of_range!r}"
            )
        if np.ndim(nuisance) == 0:
            raise ValueError(
                "nuisance must have one value per training row, with at least two distinct "
                "values: a network trained at a single ν cannot learn how the task depends on it"
            )
        xn = self._inputs(X, nuisance)
        labels = nn.check_labels(y, len(xn), n_classes=2).astype(np.float32)
        weights = None if sample_weight is None else nn.check_sample_weight(sample_weight, len(xn))
        values = np.unique(xn[:, -1])
        if len(values) < 2:
            raise ValueError(
                f"nuisance has a single value ({values[0]:g}): train on jets shifted to at "
                "least two values of ν so the network can learn how the task depends on it"
            )
        names = (*self.feature_names, NUISANCE_NAME)
        train_standardised(self, xn, labels, weights, names=names, seed=seed)
        self.trained_nuisances_ = values.astype(np.float64)
        self.nuisance_range_ = (float(values.min()), float(values.max()))
        return self

    def _check_range(self, nu: np.ndarray) -> None:
        lo, hi = self.nuisance_range_
        tol = 1e-6 * max(hi - lo, 1.0)
        outside = (nu < lo - tol) | (nu > hi + tol)
        if not np.any(outside):
            return
        message = (
            f"{int(outside.sum())} nuisance value(s) outside the trained range "
            f"[{lo:g}, {hi:g}] (e.g. {float(nu[outside][0]):g}): the network was never "
            "trained there and would extrapolate"
        )
        if self.out_of_range == "raise":
            raise ValueError(
                message + "; train over a wider range, or build the tagger with "
                "out_of_range='warn' to extrapolate anyway"
            )
        warnings.warn(message, UserWarning, stacklevel=3)

    def predict_proba(self, X: Any, *, nuisance: Any) -> np.ndarray:
        """P(W/Z jet) per jet at the given ν, shape (n_jets,).

        Parameters
        ----------
        X
            ``(n_jets, len(feature_names))`` features (shifted to ν).
        nuisance
            ν: a scalar for all jets or shape (n_jets,); inside the trained range
            (see ``out_of_range``).
        """
        self._check_is_fitted()
        xn = self._inputs(X, nuisance)
        self._check_range(xn[:, -1].astype(np.float64))
        return nn.predict(self.model_, self.scaler_.transform(xn))[:, 0]

    def predict(self, X: Any, *, nuisance: Any, threshold: float = 0.5) -> np.ndarray:
        """Labels (1 = W/Z jet) by cutting :meth:`predict_proba` at ``threshold``."""
        return (self.predict_proba(X, nuisance=nuisance) > threshold).astype(np.int64)

    def _save_state(self, writer: Any) -> dict[str, Any]:
        writer.keras_weights("model", self.model_)
        return {
            "scaler": self.scaler_.to_dict(),
            "trained_nuisances": self.trained_nuisances_.tolist(),
            "history": self.history_,
            "train_s": self.train_s_,
        }

    def _load_state(self, reader: Any, state: dict[str, Any]) -> None:
        self.model_ = reader.keras_weights("model", self._build())
        self.scaler_ = nn.Standardiser.from_dict(state["scaler"])
        self.trained_nuisances_ = np.asarray(state["trained_nuisances"], dtype=np.float64)
        self.nuisance_range_ = (
            float(self.trained_nuisances_.min()),
            float(self.trained_nuisances_.max()),
        )
        self.history_, self.train_s_ = state["history"], state["train_s"]


# --------------------------------------------------------------------------- study
#: Training schedule of the quick (chapter) mode: bigger batches, at most 20 epochs.
QUICK_SCHEDULE: dict[str, Any] = {"batch_size": 512, "learning_rate": 4e-3, "epochs": 20}
#: Signal efficiency of the working point fixed at ν = 1 on the validation jets.
WORKING_POINT_EFFICIENCY = 0.5


def _scores_over_scan(
    model: BinaryTagger | ParametrisedTagger, sample: TaggingSample, nuisances: Sequence[float]
) -> np.ndarray:
    """Scores of ``sample`` shifted to each ν, shape (len(nuisances), n_jets), in one pass.

    A :class:`ParametrisedTagger` is told each ν; a :class:`BinaryTagger` is not.
    """
    nu = np.repeat(np.asarray(nuisances, dtype=np.float64), len(sample))
    x = cast(
        TaggingSample, apply_jes(sample.subset(np.tile(np.arange(len(sample)), len(nuisances))), nu)
    )
    if isinstance(model, ParametrisedTagger):
        scores = model.predict_proba(x.x, nuisance=nu)
    else:
        scores = model.predict_proba(x.x)
    return scores.reshape(len(nuisances), len(sample))


def _working_point(
    val_scores: np.ndarray, val: TaggingSample, test_scores: np.ndarray, test: TaggingSample
) -> dict[str, list[float]]:
    """Efficiencies per ν of a cut fixed at ν = 1 on validation (50 % signal efficiency).

    ``val_scores`` (n_val,) are the scores of the validation jets at ν = 1,
    ``test_scores`` (n_nu, n_test) those of the test jets at each ν.
    """
    cut = float(np.quantile(val_scores[val.y == 1], 1.0 - WORKING_POINT_EFFICIENCY))
    passed = test_scores > cut
    return {
        "signal_efficiency": passed[:, test.y == 1].mean(axis=1).tolist(),
        "background_efficiency": passed[:, test.y == 0].mean(axis=1).tolist(),
    }


def _auc(y: np.ndarray, score: np.ndarray) -> float:
    from sklearn.metrics import roc_auc_score

    return float(roc_auc_score(y, score))


def _child_seeds(seed: int, n: int) -> list[int]:
    """``n`` independent 32-bit seeds derived from ``seed`` (same seed → same list)."""
    return [int(s.generate_state(1)[0]) for s in np.random.SeedSequence(seed).spawn(n)]


def shifted_training_set(
    sample: TaggingSample,
    nuisances: Sequence[float],
    *,
    copies: int = 1,
    seed: int = 0,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Training rows for :class:`ParametrisedTagger`: jets shifted to values of ν.

    Parameters
    ----------
    sample
        The nominal (ν = 1) jets.
    nuisances
        The ν values to train on (at least two).
    copies
        Each jet appears ``copies`` times, each time at a different ν drawn at
        random from ``nuisances`` (1: one random shift per jet, the training set
        keeps its size; ``len(nuisances)``: every jet at every ν).
    seed
        Seeds the draw of ν.

    Returns
    -------
    x : numpy.ndarray, shape (copies · n_jets, n_features)
    y : numpy.ndarray, shape (copies · n_jets,)
    nuisance : numpy.ndarray, shape (copies · n_jets,)
    """
    values = np.asarray(nuisances, dtype=np.float64)
    if values.ndim != 1 or len(np.unique(values)) < 2:
        raise ValueError(f"nuisances must hold at least two distinct values, got {nuisances}")
    if not 1 <= copies <= len(values):
        raise ValueError(
            f"copies must be between 1 and len(nuisances) = {len(values)}, got {copies}"
        )
    rng = np.random.default_rng(seed)
    n = len(sample)
    # each jet: `copies` distinct values, drawn without replacement
    picks = np.argsort(rng.random((n, len(values))), axis=1)[:, :copies]
    nu = values[picks.T.ravel()]
    idx = np.tile(np.arange(n), copies)
    shifted = cast(TaggingSample, apply_jes(sample.subset(idx), nu))
    return shifted.x, shifted.y, nu


def parametrised_study(
    train: TaggingSample,
    val: TaggingSample,
    test: TaggingSample,
    *,
    seed: int = 0,
    quick: bool = False,
) -> dict[str, Any]:
    """Does a network trained at ν ∈ {0.7, 0.8, 0.9, 1.1, 1.2, 1.3} work at the unseen ν = 1?

    ν = 1.00 is evaluated because it is the nominal calibration, where a
    dedicated network is normally trained and the analysis is done, and because
    it sits in the middle of the widest hole of the training grid (0.9–1.1).
    The range ±30 % is far wider than a real jet-mass-scale uncertainty (a few
    per cent), chosen so that the nominal tagger degrades visibly: at ±15 %
    its AUC drops by less than 0.01, below the test-set resolution.

    Steps: (1) the parametrised tagger on the training jets shifted to the grid
    (``copies`` = 1, one random ν per jet, or 3 random ν per jet; full mode
    chooses on the validation jets shifted to the *training* grid, never at
    ν = 1; with copies the tagger's internal early-stopping split shares jets
    with its training rows, which favours over-training); (2) the dedicated
    tagger, a :class:`BinaryTagger` on the training jets at ν = 1 (= the
    nominal tagger); (3) both on the test jets shifted to each ν of
    :data:`SCAN_NUISANCES`, the parametrised one told the true ν.
    Full mode repeats (1)–(2) for 3 seeds (mean and spread) and adds dedicated
    taggers at the unseen ν = 0.85 and 1.15.

    Parameters
    ----------
    train, val, test
        The chapter's split (nominal jets).
    seed
        Seeds everything (same seed → same numbers).
    quick
        The chapter's configuration (one seed, ``copies`` = 1, two trainings with
        :data:`QUICK_SCHEDULE`).

    Returns
    -------
    dict
        ``interpolation_auc`` / ``dedicated_auc`` (test AUC at ν = 1 of the
        parametrised and of the dedicated tagger; means over seeds in full mode),
        ``delta_auc`` and ``target_met`` (|Δ| ≤ 0.01), ``*_auc_seeds``,
        ``nominal_auc_shifted`` / ``parametrised_auc_shifted`` (ν → AUC at the
        ends of the range), ``scan`` (``nu``, ``trained``, ``nominal_auc``,
        ``parametrised_auc``: the chapter's figure), ``working_point`` (per ν of
        the scan, the signal and background efficiencies of the nominal and of
        the parametrised tagger at a cut fixed at ν = 1 on the validation jets
        for 50 % signal efficiency), ``copies`` (and the
        validation AUCs that chose it), ``interpolation_points`` (full mode),
        ``train_nuisances``, ``eval_nuisance``, ``n_test``, ``wall_s``.
    """
    start = time.perf_counter()
    n_seeds = 1 if quick else 3
    seeds = _child_seeds(seed, 4 * n_seeds + 4)
    grid = TRAIN_NUISANCES

    schedule = QUICK_SCHEDULE if quick else {}

    def fit_param(copies: int, s_draw: int, s_fit: int) -> ParametrisedTagger:
        x, y, nu = shifted_training_set(train, grid, copies=copies, seed=s_draw)
        return ParametrisedTagger(**schedule).fit(x, y, nuisance=nu, seed=s_fit)

    def val_auc(model: ParametrisedTagger) -> float:
        scores = _scores_over_scan(model, val, grid)
        return float(np.mean([_auc(val.y, s) for s in scores]))

    # (1) choose the training-set construction on validation
    validation: dict[str, float] = {}
    if quick:
        copies = 1
        candidates = {1: fit_param(1, seeds[0], seeds[1])}
    else:
        candidates = {c: fit_param(c, seeds[0], seeds[1]) for c in (1, 3)}
        validation = {f"copies={c}": val_auc(m) for c, m in candidates.items()}
        copies = max(candidates, key=lambda c: validation[f"copies={c}"])
    param_models = [candidates[copies]]
    param_models += [fit_param(copies, seeds[4 * k], seeds[4 * k + 1]) for k in range(1, n_seeds)]
    # (2) dedicated = nominal taggers at ν = 1
    at_eval = cast(TaggingSample, apply_jes(train, EVAL_NUISANCE))
    dedicated = [
        BinaryTagger(**schedule).fit(at_eval.x, at_eval.y, seed=seeds[4 * k + 2])
        for k in range(n_seeds)
    ]

    # (3) test AUCs over the scan (jets shifted to each ν; one prediction pass per model)
    nom_scores = [_scores_over_scan(d, test, SCAN_NUISANCES) for d in dedicated]
    par_scores = [_scores_over_scan(m, test, SCAN_NUISANCES) for m in param_models]
    nom = np.array([[_auc(test.y, s[i]) for s in nom_scores] for i in range(len(SCAN_NUISANCES))])
    par = np.array([[_auc(test.y, s[i]) for s in par_scores] for i in range(len(SCAN_NUISANCES))])
    i_eval = SCAN_NUISANCES.index(EVAL_NUISANCE)
    interp, ded = par[i_eval], nom[i_eval]
    ends = (SCAN_NUISANCES[0], SCAN_NUISANCES[-1])
    val_nominal = cast(TaggingSample, apply_jes(val, EVAL_NUISANCE))
    wp_nominal = _working_point(dedicated[0].predict_proba(val_nominal.x), val, nom_scores[0], test)
    wp_param = _working_point(
        param_models[0].predict_proba(val_nominal.x, nuisance=EVAL_NUISANCE),
        val,
        par_scores[0],
        test,
    )
    out: dict[str, Any] = {
        "interpolation_auc": float(interp.mean()),
        "dedicated_auc": float(ded.mean()),
        "delta_auc": float(interp.mean() - ded.mean()),
        "target_met": bool(abs(interp.mean() - ded.mean()) <= 0.01),
        "interpolation_auc_seeds": interp.tolist(),
        "dedicated_auc_seeds": ded.tolist(),
        "nominal_auc_shifted": {str(v): float(nom[SCAN_NUISANCES.index(v)].mean()) for v in ends},
        "parametrised_auc_shifted": {
            str(v): float(par[SCAN_NUISANCES.index(v)].mean()) for v in ends
        },
        "scan": {
            "nu": [float(v) for v in SCAN_NUISANCES],
            "trained": [bool(np.any(np.isclose(v, grid))) for v in SCAN_NUISANCES],
            "nominal_auc": nom.mean(axis=1).tolist(),
            "parametrised_auc": par.mean(axis=1).tolist(),
        },
        "working_point": {
            "nu": [float(v) for v in SCAN_NUISANCES],
            "nominal": wp_nominal,
            "parametrised": wp_param,
        },
        "copies": copies,
        "validation_auc": validation,
        "train_nuisances": list(grid),
        "eval_nuisance": EVAL_NUISANCE,
        "n_train_rows": copies * len(train),
        "n_test": len(test),
    }
    if not quick:
        points = {}
        for k, nu in enumerate((0.85, 1.15)):
            tr = cast(TaggingSample, apply_jes(train, nu))
            te = cast(TaggingSample, apply_jes(test, nu))
            model = BinaryTagger().fit(tr.x, tr.y, seed=seeds[4 * n_seeds + k])
            points[str(nu)] = {
                "parametrised_auc": float(par[SCAN_NUISANCES.index(nu)].mean()),
                "dedicated_auc": _auc(te.y, model.predict_proba(te.x)),
                "nominal_auc": float(nom[SCAN_NUISANCES.index(nu)].mean()),
            }
        out["interpolation_points"] = points
    out["wall_s"] = time.perf_counter() - start
    return out
