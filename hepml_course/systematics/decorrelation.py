"""Mass-decorrelated W/Z-vs-QCD taggers: adversary (pivot), DisCo and a constraint by mdmm.

A tagger trained only to separate W/Z from QCD jets learns the jet mass, so cutting on
its score selects QCD jets near the W/Z mass and sculpts a fake peak into the QCD
mass spectrum.  :class:`DecorrelatedTagger` trains the chapter's network
(:func:`~hepml_course.systematics.tagger.tagger_network`) with one of four losses:

``"plain"``
    binary cross-entropy L_clf only (the reference);
``"adversary"``
    the pivot of Louppe, Kagan & Cranmer (2017): an adversary network predicts the
    QCD jet's mass bin (a categorical over ``n_mass_bins`` equal-population bins)
    from the tagger's score (its logit); the tagger minimises L_clf − λ L_adv while the
    adversary minimises L_adv.  Classifier and adversary are pre-trained first;
    a too strong λ (≳ 5 here) makes the two-player game unstable;
``"disco"``
    Kasieczka & Shih (2020): L_clf + λ dCor²(score, mass | QCD jets of the batch);
``"mdmm"``
    the constraint dCor²(score, mass | QCD) ≤ ε enforced by the modified
    differential method of multipliers (Platt & Barr 1988): gradient *descent*
    on the network for the damped Lagrangian, gradient *ascent* on the
    multiplier λ ≥ 0 (λ ← max(0, λ + η (dCor² − ε))).  For an inequality the
    damped (augmented) term is (max(0, λ + c g)² − λ²) / (2c), g = dCor² − ε, whose
    gradient is max(0, λ + c g) ∇g: the damping c pulls back at once when the
    constraint is violated and lets go when it is satisfied.

The tagger's inputs are all 16 features, **including the groomed mass**: the
decorrelation has to work even when the network sees the mass directly.  The mass
enters the losses only through QCD jets (label 0).

:func:`decorrelation_study` trains the four on the chapter's sample, chooses the
strengths on the validation split and reports the background rejection at 50 %
signal efficiency and the mass-sculpting JSD on the test split.  With ≈ 1,500 QCD
test jets the JSD has a statistical floor that grows with the rejection (≈ 0.06 at
1/ε_B = 16, ≈ 0.2 at 64): the study reports it beside every number.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any, ClassVar

import numpy as np

from hepml_course import nn
from hepml_course.classification.jets import HLF_FEATURES
from hepml_course.metrics import decorrelation as dm
from hepml_course.systematics._loop import run_epochs
from hepml_course.systematics.tagger import check_features, tagger_network

#: Training methods of :class:`DecorrelatedTagger`.
METHODS = ("plain", "adversary", "disco", "mdmm")
_EPS = 1e-7


def _batch_dcor2(tf: Any, a: Any, b: Any, w: Any) -> Any:
    """Weighted squared distance correlation of two (batch,) tensors (weights (batch,), ≥ 0)."""
    wn = w / (tf.reduce_sum(w) + _EPS)

    def centred(v: Any) -> Any:
        d = tf.abs(v[:, None] - v[None, :])
        r = tf.linalg.matvec(d, wn)
        return d - r[:, None] - r[None, :] + tf.reduce_sum(wn * r)

    ca, cb = centred(a), centred(b)

    def dcov(p: Any, q: Any) -> Any:
        return tf.reduce_sum(wn[:, None] * wn[None, :] * p * q)

    return dcov(ca, cb) / (tf.sqrt(dcov(ca, ca) * dcov(cb, cb)) + 1e-12)


class DecorrelatedTagger(nn.Estimator):
    """A W/Z-vs-QCD tagger whose score is (optionally) decorrelated from the QCD jet mass.

    Parameters
    ----------
    method
        ``"plain"``, ``"adversary"``, ``"disco"`` or ``"mdmm"`` (see the module docstring).
    strength
        λ ≥ 0 of the adversary (L_clf − λ L_adv) or of DisCo (L_clf + λ dCor²);
        unused by ``"plain"`` and ``"mdmm"``.
    epsilon
        Constraint level ε > 0 of ``"mdmm"``: dCor²(score, mass | QCD) ≤ ε (the batch
        estimate; note its finite-batch bias, ≈ 0.005–0.01 for 200–300 QCD jets).
    feature_names
        Input columns (all 16 high-level features by default, mass included).
    hidden
        Hidden-layer widths of the tagger.
    epochs, batch_size, learning_rate
        Training schedule (Adam).  DisCo and mdmm need large batches: their penalty is
        computed on the batch's QCD jets.
    validation_fraction, patience, min_epochs
        Held-out fraction of the training jets for early stopping, its patience
        (epochs) and the epochs always run (the penalty's validation estimate is
        noisy, and an untrained, nearly constant network is trivially
        decorrelated).  The criterion is the validation BCE, plus λ dCor² for
        DisCo, plus (10/ε) · max(0, dCor² − ε) for mdmm; the adversary's joint
        phase keeps its last epoch (see below).
    n_mass_bins, adversary_hidden, adversary_learning_rate, pretrain_epochs, adversary_steps
        Adversary: number of equal-population mass bins (from the training QCD jets),
        hidden widths, Adam rate; the classifier is pre-trained for ``pretrain_epochs``,
        then the adversary alone for ``pretrain_epochs``, then both jointly for the
        remaining epochs, with ``adversary_steps`` adversary updates per tagger update.
        The joint phase has no loss to minimise (it is a two-player game): it runs all
        ``epochs`` and keeps the final state; the per-epoch validation value
        L_clf + λ (H(mass bin) − L_adv) is recorded in ``history_["value"]``.
    multiplier_learning_rate, damping
        mdmm: ascent rate η of the multiplier and damping c.

    Attributes
    ----------
    model_ : keras.Model
        The tagger network (sigmoid output).
    scaler_ : hepml_course.nn.Standardiser
        Feature standardisation fitted on the training jets.
    mass_scale_ : tuple of float
        (mean, std) in GeV of the training QCD masses (the mass is standardised in
        the penalty).
    mass_edges_ : numpy.ndarray or None
        Adversary's mass-bin edges in GeV.
    multiplier_ : float or None
        mdmm's final multiplier λ.
    history_ : dict
        Per-epoch means of the losses (``clf``, ``dcor``, ``adv``, ``multiplier`` …)
        and the validation criterion ``val``.
    train_s_ : float
        Training wall time in seconds.
    """

    _fitted_attributes: ClassVar[tuple[str, ...]] = ("model_", "scaler_")

    def __init__(
        self,
        *,
        method: str = "disco",
        strength: float = 10.0,
        epsilon: float = 0.02,
        feature_names: Sequence[str] = HLF_FEATURES,
        hidden: Sequence[int] = (64, 64, 32),
        epochs: int = 40,
        batch_size: int = 512,
        learning_rate: float = 2e-3,
        validation_fraction: float = 0.15,
        patience: int = 5,
        min_epochs: int = 10,
        n_mass_bins: int = 10,
        adversary_hidden: Sequence[int] = (32, 32),
        adversary_learning_rate: float = 5e-3,
        pretrain_epochs: int = 3,
        adversary_steps: int = 3,
        multiplier_learning_rate: float = 20.0,
        damping: float = 10.0,
    ) -> None:
        self.method = method
        self.strength = strength
        self.epsilon = epsilon
        self.feature_names = feature_names
        self.hidden = hidden
        self.epochs = epochs
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.validation_fraction = validation_fraction
        self.patience = patience
        self.min_epochs = min_epochs
        self.n_mass_bins = n_mass_bins
        self.adversary_hidden = adversary_hidden
        self.adversary_learning_rate = adversary_learning_rate
        self.pretrain_epochs = pretrain_epochs
        self.adversary_steps = adversary_steps
        self.multiplier_learning_rate = multiplier_learning_rate
        self.damping = damping

    # --- checks ---------------------------------------------------------------------------
    def _check_params(self) -> None:
        if self.method not in METHODS:
            raise ValueError(f"method must be one of {METHODS}, got {self.method!r}")
        if not float(self.strength) >= 0:
            raise ValueError(f"strength (λ) must be ≥ 0, got {self.strength}")
        if not float(self.epsilon) > 0:
            raise ValueError(f"epsilon (the mdmm constraint level) must be > 0, got {self.epsilon}")
        if int(self.n_mass_bins) < 2:
            raise ValueError(f"n_mass_bins must be ≥ 2, got {self.n_mass_bins}")
        if int(self.adversary_steps) < 1:
            raise ValueError(f"adversary_steps must be ≥ 1, got {self.adversary_steps}")
        if int(self.pretrain_epochs) < 0 or float(self.damping) < 0:
            raise ValueError("pretrain_epochs and damping must be ≥ 0")
        if not 0.0 < float(self.validation_fraction) < 1.0:
            raise ValueError(
                f"validation_fraction must be in (0, 1) (early stopping needs held-out jets), "
                f"got {self.validation_fraction}"
            )

    def _build(self) -> Any:
        return tagger_network(len(self.feature_names), self.hidden)

    # --- training ---------------------------------------------------------------------------
    def fit(
        self,
        X: Any,
        y: Any,
        *,
        mass_gev: Any,
        sample_weight: Any = None,
        seed: int = 0,
    ) -> DecorrelatedTagger:
        """Fit the standardisation and the tagger (and the adversary or the multiplier).

        Parameters
        ----------
        X
            ``(n_jets, len(feature_names))`` features.
        y
            ``(n_jets,)`` labels, 1 = W/Z jet, 0 = QCD jet.
        mass_gev
            ``(n_jets,)`` jet mass in GeV (the variable to decorrelate from); only the QCD
            jets' masses are used.  Required for every method (also ``"plain"``, so all
            methods are called alike).
        sample_weight
            Optional ``(n_jets,)`` non-negative weights (in the BCE and the penalty).
        seed
            Seeds the initial weights, the early-stopping split and the batch order.
        """
        self._check_params()
        keras, tf = nn.import_keras(), nn.import_tensorflow()
        x = check_features(X, len(self.feature_names))
        labels = nn.check_labels(y, len(x), n_classes=2)
        mass = np.asarray(mass_gev, dtype=np.float64)
        if mass.shape != (len(x),):
            raise ValueError(
                f"mass_gev must have shape ({len(x)},) (one mass per jet of X), got "
                f"{mass.shape}: pass the masses of the same jets, e.g. sample.mass_gev"
            )
        if not np.all(np.isfinite(mass)):
            raise ValueError("mass_gev contains NaN/infinite values: clean or drop those jets")
        if labels.min() == labels.max():
            raise ValueError("y needs both W/Z (1) and QCD (0) jets")
        w = nn.check_sample_weight(sample_weight, len(x))
        w = (w / w.mean()).astype(np.float32)
        method = self.method

        scaler = nn.Standardiser(tuple(self.feature_names)).fit(x, sample_weight=w)
        xs = scaler.transform(x)
        qcd = labels == 0
        m_mean, m_std = float(np.mean(mass[qcd])), float(np.std(mass[qcd]) or 1.0)
        ms = ((mass - m_mean) / m_std).astype(np.float32)
        edges = None
        if method == "adversary":
            qs = np.linspace(0, 1, int(self.n_mass_bins) + 1)[1:-1]
            edges = np.quantile(mass[qcd], qs)
        trn, val = nn.split_indices(len(x), float(self.validation_fraction), seed)

        nn.seed_everything(seed)
        model = self._build()
        adversary = None
        if method == "adversary":
            adversary = nn.mlp(
                1, self.adversary_hidden, int(self.n_mass_bins), name="adversary"
            )  # logits over mass bins
        opt = keras.optimizers.Adam(float(self.learning_rate))
        opt.build(model.trainable_variables)
        n_in = len(self.feature_names)
        col = tf.TensorSpec([None], tf.float32)
        sig = [tf.TensorSpec([None, n_in], tf.float32), col, col, col]
        lam = float(self.strength)
        eps = float(self.epsilon)
        damping = float(self.damping)
        multiplier = tf.Variable(0.0, trainable=False, dtype=tf.float32)
        eta = float(self.multiplier_learning_rate)

        def clf_loss(p: Any, yb: Any, wb: Any) -> Any:
            p = tf.clip_by_value(p, _EPS, 1.0 - _EPS)
            bce = -(yb * tf.math.log(p) + (1.0 - yb) * tf.math.log(1.0 - p))
            return tf.reduce_sum(wb * bce) / tf.reduce_sum(wb)

        def qcd_dcor(p: Any, yb: Any, mb: Any, wb: Any) -> Any:
            return _batch_dcor2(tf, p, mb, wb * (1.0 - yb))

        @tf.function(input_signature=sig)
        def plain_step(xb, yb, mb, wb):
            with tf.GradientTape() as tape:
                p = model(xb, training=True)[:, 0]
                loss = clf_loss(p, yb, wb)
            grads = tape.gradient(loss, model.trainable_variables)
            opt.apply_gradients(zip(grads, model.trainable_variables, strict=True))
            return {"clf": loss, "dcor": qcd_dcor(p, yb, mb, wb)}

        @tf.function(input_signature=sig)
        def disco_step(xb, yb, mb, wb):
            with tf.GradientTape() as tape:
                p = model(xb, training=True)[:, 0]
                loss = clf_loss(p, yb, wb)
                d = qcd_dcor(p, yb, mb, wb)
                total = loss + lam * d
            grads = tape.gradient(total, model.trainable_variables)
            opt.apply_gradients(zip(grads, model.trainable_variables, strict=True))
            return {"clf": loss, "dcor": d}

        @tf.function(input_signature=sig)
        def mdmm_step(xb, yb, mb, wb):
            with tf.GradientTape() as tape:
                p = model(xb, training=True)[:, 0]
                loss = clf_loss(p, yb, wb)
                d = qcd_dcor(p, yb, mb, wb)
                g = d - eps
                if damping > 0:
                    term = (tf.square(tf.nn.relu(multiplier + damping * g)) - multiplier**2) / (
                        2.0 * damping
                    )
                else:
                    term = multiplier * g
                total = loss + term
            grads = tape.gradient(total, model.trainable_variables)
            opt.apply_gradients(zip(grads, model.trainable_variables, strict=True))
            # gradient ASCENT on the multiplier, projected onto λ ≥ 0
            multiplier.assign(tf.nn.relu(multiplier + eta * g))
            return {"clf": loss, "dcor": d, "multiplier": multiplier}

        steps = {"plain": plain_step, "disco": disco_step, "mdmm": mdmm_step}
        if adversary is not None:
            adv_opt = keras.optimizers.Adam(float(self.adversary_learning_rate))
            adv_opt.build(adversary.trainable_variables)
            bin_sig = [*sig, tf.TensorSpec([None], tf.int32)]

            def adv_loss(p: Any, yb: Any, wb: Any, bb: Any) -> Any:
                # the adversary reads the logit: on the saturated sigmoid the tagger
                # could otherwise hide mass information in tiny score differences
                q = tf.clip_by_value(p, _EPS, 1.0 - _EPS)
                logits = adversary(tf.math.log(q / (1.0 - q))[:, None], training=True)
                ce = tf.nn.sparse_softmax_cross_entropy_with_logits(labels=bb, logits=logits)
                wq = wb * (1.0 - yb)
                return tf.reduce_sum(wq * ce) / (tf.reduce_sum(wq) + _EPS)

            @tf.function(input_signature=bin_sig)
            def adversary_step(xb, yb, mb, wb, bb):
                p = model(xb, training=False)[:, 0]
                with tf.GradientTape() as tape:
                    la = adv_loss(p, yb, wb, bb)
                grads = tape.gradient(la, adversary.trainable_variables)
                adv_opt.apply_gradients(zip(grads, adversary.trainable_variables, strict=True))
                return {"adv": la}

            n_adv = int(self.adversary_steps)

            @tf.function(input_signature=bin_sig)
            def joint_step(xb, yb, mb, wb, bb):
                for _ in range(n_adv):
                    out = adversary_step(xb, yb, mb, wb, bb)
                with tf.GradientTape() as tape:
                    p = model(xb, training=True)[:, 0]
                    loss = clf_loss(p, yb, wb)
                    total = loss - lam * adv_loss(p, yb, wb, bb)
                grads = tape.gradient(total, model.trainable_variables)
                opt.apply_gradients(zip(grads, model.trainable_variables, strict=True))
                return {"clf": loss, "adv": out["adv"]}

            mass_bin = np.searchsorted(edges, mass).astype(np.int32)

        n_pre = int(self.pretrain_epochs) if method == "adversary" else 0
        x_t, y_t = xs[trn], labels[trn].astype(np.float32)
        m_t, w_t = ms[trn], w[trn]
        x_v, y_v = tf.constant(xs[val]), tf.constant(labels[val].astype(np.float32))
        m_v, w_v = tf.constant(ms[val]), tf.constant(w[val])
        if adversary is not None:
            b_t, b_v = mass_bin[trn], tf.constant(mass_bin[val])
            prior = np.bincount(mass_bin[qcd], minlength=int(self.n_mass_bins)) / qcd.sum()
            entropy = float(-np.sum(prior * np.log(np.maximum(prior, 1e-12))))

        def step(batch: np.ndarray, epoch: int) -> dict[str, float]:
            args = (x_t[batch], y_t[batch], m_t[batch], w_t[batch])
            if method != "adversary":
                out = steps[method](*args)
            elif epoch < n_pre:
                out = plain_step(*args)
            elif epoch < 2 * n_pre:
                out = adversary_step(*args, b_t[batch])
            else:
                out = joint_step(*args, b_t[batch])
            return {k: float(v) for k, v in out.items()}

        @tf.function
        def val_terms():
            p = model(x_v, training=False)[:, 0]
            out = {"clf": clf_loss(p, y_v, w_v), "dcor": qcd_dcor(p, y_v, m_v, w_v)}
            if adversary is not None:
                out["adv"] = adv_loss(p, y_v, w_v, b_v)
            return out

        epoch_seen = [0]
        history_adv: list[float] = []

        def validate() -> float:
            epoch_seen[0] += 1
            t = {k: float(v) for k, v in val_terms().items()}
            if method == "plain":
                return t["clf"]
            if method == "disco":
                return t["clf"] + lam * t["dcor"]
            if method == "mdmm":
                return t["clf"] + 10.0 / eps * max(0.0, t["dcor"] - eps)
            if epoch_seen[0] <= 2 * n_pre:  # pre-training: nothing to keep yet
                return np.inf
            # a two-player game has no loss to minimise: keep the last state
            history_adv.append(t["clf"] + lam * (entropy - t["adv"]))
            return -float(epoch_seen[0])

        trained = [model] + ([adversary] if adversary is not None else [])

        def get_state() -> object:
            return [m.get_weights() for m in trained], float(multiplier.numpy())

        def set_state(state: object) -> None:
            weights, mult = state  # type: ignore[misc]
            for m, wts in zip(trained, weights, strict=True):
                m.set_weights(wts)
            multiplier.assign(mult)

        result = run_epochs(
            n_rows=len(trn),
            batch_size=int(self.batch_size),
            epochs=int(self.epochs),
            seed=seed,
            step=step,
            validate=validate,
            get_state=get_state,
            set_state=set_state,
            patience=int(self.patience),
            min_epochs=max(int(self.min_epochs), 2 * n_pre + 1),
        )
        self.model_, self.scaler_ = model, scaler
        self.adversary_ = adversary
        self.mass_scale_ = (m_mean, m_std)
        self.mass_edges_ = edges
        self.multiplier_ = float(multiplier.numpy()) if method == "mdmm" else None
        self.history_ = result.history
        if history_adv:
            self.history_["value"] = history_adv
        self.best_epoch_ = result.best_epoch
        self.train_s_ = result.train_s
        self.seed_ = seed
        return self

    # --- outputs ---------------------------------------------------------------------------
    def predict_proba(self, X: Any) -> np.ndarray:
        """P(W/Z jet) per jet, shape (n_jets,)."""
        self._check_is_fitted()
        x = check_features(X, len(self.feature_names))
        return nn.predict(self.model_, self.scaler_.transform(x))[:, 0]

    def predict(self, X: Any, threshold: float = 0.5) -> np.ndarray:
        """1 (W/Z jet) where :meth:`predict_proba` ≥ ``threshold``, else 0; shape (n_jets,)."""
        return (self.predict_proba(X) >= threshold).astype(np.int64)

    def _save_state(self, writer: Any) -> dict[str, Any]:
        writer.keras_weights("model", self.model_)
        return {
            "scaler": self.scaler_.to_dict(),
            "mass_scale": list(self.mass_scale_),
            "mass_edges": None if self.mass_edges_ is None else list(map(float, self.mass_edges_)),
            "multiplier": self.multiplier_,
            "history": self.history_,
            "best_epoch": self.best_epoch_,
            "train_s": self.train_s_,
        }

    def _load_state(self, reader: Any, state: dict[str, Any]) -> None:
        self.model_ = reader.keras_weights("model", self._build())
        self.scaler_ = nn.Standardiser.from_dict(state["scaler"])
        self.adversary_ = None  # the adversary is not saved: it is only needed in training
        self.mass_scale_ = tuple(state["mass_scale"])
        edges = state["mass_edges"]
        self.mass_edges_ = None if edges is None else np.asarray(edges)
        self.multiplier_ = state["multiplier"]
        self.history_, self.best_epoch_ = state["history"], state["best_epoch"]
        self.train_s_ = state["train_s"]


# --- the study ------------------------------------------------------------------------------
def evaluate_tagger(
    score: np.ndarray,
    sample: Any,
    edges: np.ndarray,
    signal_efficiency: float = 0.5,
) -> dict[str, float]:
    """``{"rej50", "jsd_mass", "dcor_mass"}`` of one tagger's scores on one split.

    Parameters
    ----------
    score
        Shape (n_jets,), the tagger output on ``sample``.
    sample
        A :class:`~hepml_course.systematics.sample.TaggingSample`.
    edges
        Mass-bin edges in GeV for the JSD.
    signal_efficiency
        ε_S of the working point.
    """
    qcd = sample.y == 0
    return {
        "rej50": dm.background_rejection(sample.y, score, signal_efficiency),
        "jsd_mass": dm.mass_sculpting_jsd(
            sample.mass_gev, score, sample.y, signal_efficiency, bins=edges
        ),
        "dcor_mass": dm.distance_correlation(score[qcd], sample.mass_gev[qcd]),
    }


#: Strength grids of the full study (λ for adversary and DisCo, ε for mdmm).
FULL_GRID: dict[str, tuple[float, ...]] = {
    "adversary": (0.5, 1.0, 2.0, 3.0, 5.0),
    "disco": (1.0, 3.0, 5.0, 10.0, 20.0),
    "mdmm": (0.02, 0.01, 0.005),
}
#: The quick study's one strength per method: the values the full study (seed 0)
#: selects on the validation split.
QUICK_GRID: dict[str, tuple[float, ...]] = {
    "adversary": (2.0,),
    "disco": (20.0,),
    "mdmm": (0.01,),
}
#: Number of equal-width mass bins of the JSD, over [0, max QCD mass of the sample].
JSD_BINS = 40


def _strength_kwargs(method: str, value: float | None) -> dict[str, float]:
    if method == "plain" or value is None:
        return {}
    return {"epsilon": value} if method == "mdmm" else {"strength": value}


def _select(points: list[dict[str, Any]], jsd_goal: float) -> dict[str, Any]:
    """The validation choice among one method's scan points (see :func:`decorrelation_study`)."""
    reach = [p for p in points if p["val"]["jsd_mass"] <= jsd_goal]
    if reach:
        return max(reach, key=lambda p: p["val"]["rej50"])
    at_floor = [
        p
        for p in points
        if p["val"]["jsd_mass"] <= p["val"]["jsd_floor"] + 2 * p["val"]["jsd_floor_std"]
    ]
    if at_floor:
        return max(at_floor, key=lambda p: p["val"]["rej50"])
    return min(points, key=lambda p: p["val"]["jsd_mass"])


def decorrelation_study(
    train: Any,
    val: Any,
    test: Any,
    *,
    seed: int = 0,
    quick: bool = False,
) -> dict[str, Any]:
    """Plain, adversary, DisCo and mdmm taggers: rejection and mass sculpting on the test split.

    Each method is trained on ``train`` for every strength of its grid
    (:data:`FULL_GRID`, or :data:`QUICK_GRID` with ``quick=True``: one value, the
    full study's choice) and the strength is chosen on ``val``: the best
    validation ``rej50`` among the points with validation ``jsd_mass`` ≤ 1/10 of
    the plain tagger's; if none reaches it, the best ``rej50`` among the points
    whose JSD is within 2σ of the statistical floor (:func:`~hepml_course.metrics.
    decorrelation.jsd_floor` at the point's own QCD pass fraction); otherwise the
    lowest JSD.  The chosen models are then evaluated once on ``test``.

    Working point: 50 % signal efficiency.  JSD: base 2, :data:`JSD_BINS`
    equal-width bins of the groomed mass over [0, the largest QCD mass of the
    three splits] GeV, overflow-free.

    Parameters
    ----------
    train, val, test
        :class:`~hepml_course.systematics.sample.TaggingSample` splits.
    seed
        Seeds every training and the floor estimates.
    quick
        The chapter's configuration: one strength per method, the full study's
        validation choice (same trainings, so the quick numbers are points of the
        full study's front); ≈ 15–20 s on 2 cores.

    Returns
    -------
    dict
        ``{METHOD: {"rej50", "jsd_mass", "dcor_mass", "jsd_floor", "jsd_floor_std",
        "strength" (λ, or ε for mdmm; None for plain), "val_rej50", "val_jsd_mass",
        "train_s"}}`` for METHOD in plain, adversary, disco, mdmm (test numbers unless
        prefixed ``val_``; mdmm also ``multiplier``), plus

        - ``"pareto"``: every trained point ``{"method", "strength", "val": {...},
          "test": {...}}`` (the rejection-vs-sculpting front; one point per method
          in quick mode);
        - ``"floor_curve"``: ``{"rej": [...], "jsd": [...], "std": [...]}``, the test
          JSD of random cuts (no sculpting) at those rejections;
        - ``"target"``: ``{"jsd_goal", "rej_goal", "met" {METHOD: bool},
          "floor_at_rej_goal"}``: jsd ≤ plain/10 with rej50 ≥ plain/2, on test;
        - ``"config"``: bins, mass range, efficiency, QCD counts, quick, seed;
        - ``"models"``: the chosen fitted :class:`DecorrelatedTagger` per method (not
          JSON; the benchmark drops it);
        - ``"wall_s"``: wall time of the study in seconds.
    """
    start = time.perf_counter()
    qcd_all = np.concatenate([s.mass_gev[s.y == 0] for s in (train, val, test)])
    edges = np.linspace(0.0, float(qcd_all.max()), JSD_BINS + 1)
    grid = QUICK_GRID if quick else FULL_GRID
    schedule = {"epochs": 40, "patience": 5}

    def floor(sample: Any, rej: float) -> tuple[float, float]:
        frac = min(max(1.0 / rej, 1.0 / np.sum(sample.y == 0)), 0.999) if np.isfinite(rej) else 1e-9
        return dm.jsd_floor(
            sample.mass_gev[sample.y == 0], frac, bins=edges, n_repeats=30, seed=seed
        )

    def evaluate(model: DecorrelatedTagger, sample: Any) -> dict[str, float]:
        out = evaluate_tagger(model.predict_proba(sample.x), sample, edges)
        out["jsd_floor"], out["jsd_floor_std"] = floor(sample, out["rej50"])
        return out

    def train_one(method: str, value: float | None) -> dict[str, Any]:
        model = DecorrelatedTagger(method=method, **_strength_kwargs(method, value), **schedule)
        model.fit(train.x, train.y, mass_gev=train.mass_gev, seed=seed)
        return {
            "method": method,
            "strength": value,
            "model": model,
            "val": evaluate(model, val),
            "test": evaluate(model, test),
        }

    plain = train_one("plain", None)
    jsd_goal_val = plain["val"]["jsd_mass"] / 10.0
    chosen = {"plain": plain}
    points = [plain]
    for method in ("adversary", "disco", "mdmm"):
        scan = [train_one(method, v) for v in grid[method]]
        points += scan
        chosen[method] = _select(scan, jsd_goal_val)

    out: dict[str, Any] = {}
    for method, p in chosen.items():
        model = p["model"]
        row = {k: float(v) for k, v in p["test"].items()}
        row.update(
            strength=p["strength"],
            val_rej50=float(p["val"]["rej50"]),
            val_jsd_mass=float(p["val"]["jsd_mass"]),
            train_s=float(model.train_s_),
        )
        if method == "mdmm":
            row["multiplier"] = model.multiplier_
        out[method] = row
    out["pareto"] = [
        {"method": p["method"], "strength": p["strength"], "val": p["val"], "test": p["test"]}
        for p in points
    ]
    rej_grid = [2.0, 4.0, 8.0, 16.0, 32.0, 64.0, 128.0]
    curve = [floor(test, r) for r in rej_grid]
    out["floor_curve"] = {
        "rej": rej_grid,
        "jsd": [c[0] for c in curve],
        "std": [c[1] for c in curve],
    }
    jsd_goal, rej_goal = out["plain"]["jsd_mass"] / 10.0, out["plain"]["rej50"] / 2.0
    out["target"] = {
        "jsd_goal": jsd_goal,
        "rej_goal": rej_goal,
        "met": {
            m: bool(out[m]["jsd_mass"] <= jsd_goal and out[m]["rej50"] >= rej_goal)
            for m in ("adversary", "disco", "mdmm")
        },
        "floor_at_rej_goal": floor(test, rej_goal)[0],
    }
    out["config"] = {
        "quick": quick,
        "seed": seed,
        "signal_efficiency": 0.5,
        "jsd_bins": JSD_BINS,
        "jsd_base": 2,
        "mass_range_gev": [float(edges[0]), float(edges[-1])],
        "n_val_qcd": int(np.sum(val.y == 0)),
        "n_test_qcd": int(np.sum(test.y == 0)),
        "grid": {k: list(v) for k, v in grid.items()},
    }
    out["models"] = {method: p["model"] for method, p in chosen.items()}
    out["wall_s"] = time.perf_counter() - start
    return out
