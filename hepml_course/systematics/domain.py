"""Domain adaptation: a tagger trained on MPI-off simulation, adapted to MPI-on jets without labels.

The source domain is the labelled simulation (tree ``jets``, multi-parton
interactions off); the target domain is the shifted, "data-like" sample (tree
``mpi_on``) whose labels the adaptation never sees.
:class:`DomainAdversarialTagger` is a domain-adversarial neural network (DANN,
Ganin et al., JMLR 17 (2016) 59, arXiv:1505.07818): the plain tagger of
:func:`~hepml_course.systematics.tagger.tagger_network` whose last hidden layer
also feeds a domain classifier through a gradient-reversal layer, so the hidden
representation is pushed to carry no information on the domain while it still
separates W/Z from QCD jets on the source.

Model selection uses no target label.  The training epoch kept is chosen, among
the epochs after λ has reached 90 % of its plateau, on the source-validation
loss weighted by the density ratio p_target(x) / p_source(x) estimated by a
domain classifier on the input features (importance-weighted validation,
Sugiyama, Krauledat and Müller, JMLR 8 (2007) 985).  The adversary's strength
λ_max is chosen by :func:`selection_criterion`: source-validation error plus
the domain information left in the representation (a proxy of the bound of
Ben-David et al. 2010).  :func:`domain_study` compares source-only, adapted and
target-trained accuracy.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

import numpy as np

from hepml_course import nn
from hepml_course.classification.jets import HLF_FEATURES
from hepml_course.systematics._loop import run_epochs
from hepml_course.systematics.sample import TaggingSample, load_tagging, split_sample
from hepml_course.systematics.tagger import BinaryTagger, check_features, tagger_network

#: Largest importance weight kept (weights are clipped, then normalised to mean 1).
MAX_IMPORTANCE_WEIGHT = 20.0
#: Threshold on P(W/Z jet) at which accuracies are quoted.
THRESHOLD = 0.5
#: λ_max grid of the full study (the quick study trains :data:`QUICK_LAMBDA` only).
LAMBDA_GRID = (1.0, 3.0, 10.0, 30.0)
QUICK_LAMBDA = 10.0
#: Seeds (splits and initialisations) the full study averages over.
N_SEEDS_FULL = 5
#: Fractions of the target (MPI-on) jets: adaptation, unlabelled selection, test.
TARGET_FRACTIONS = (0.4, 0.1, 0.5)
#: Training progress at which λ reaches 90 % of λ_max for γ = 10 (2 atanh(0.9) / 10).
WARM_LAMBDA_PROGRESS = 2 * np.arctanh(0.9) / 10.0
_NO_TARGET_LABELS = (
    "domain adaptation must not use target labels: pass only the target features "
    "(x_target=sample.x, an (n_target, n_features) array); the labelled reference is "
    "a separate BinaryTagger trained on the target"
)


def ganin_lambda(progress: Any, lambda_max: float = 1.0, gamma: float = 10.0) -> Any:
    """Ganin's schedule of the gradient-reversal strength, λ(p) = λ_max (2 / (1 + e^(−γp)) − 1).

    Parameters
    ----------
    progress
        Training progress p in [0, 1] (fraction of the planned updates done); scalar or array.
    lambda_max
        Plateau value of λ.
    gamma
        Steepness: λ reaches 90 % of λ_max at p ≈ 2.94 / γ.

    Returns
    -------
    float or numpy.ndarray
        λ, same shape as ``progress``; 0 at p = 0.
    """
    p = np.clip(np.asarray(progress, dtype=float), 0.0, 1.0)
    lam = lambda_max * (2.0 / (1.0 + np.exp(-gamma * p)) - 1.0)
    return float(lam) if np.ndim(lam) == 0 else lam


def importance_weights(
    x_source: Any, x_target: Any, x_eval: Any, *, max_weight: float = MAX_IMPORTANCE_WEIGHT
) -> np.ndarray:
    """Density ratio p_target(x) / p_source(x) at ``x_eval``, from a domain classifier.

    A logistic regression on the standardised features separates the source
    rows from the target rows (no class labels involved); its odds, times
    n_source / n_target, estimate the density ratio.  The weights are clipped
    at ``max_weight`` and normalised to mean 1 over ``x_eval``.

    Parameters
    ----------
    x_source, x_target
        ``(n_source, n_features)`` and ``(n_target, n_features)`` features that
        train the domain classifier.
    x_eval
        ``(n_eval, n_features)`` source rows to weight (e.g. a validation split).
    max_weight
        Clip value (> 1) before normalisation.

    Returns
    -------
    numpy.ndarray
        ``(n_eval,)`` float64 weights, mean 1.
    """
    from sklearn.linear_model import LogisticRegression

    if not max_weight > 1:
        raise ValueError(f"max_weight must be > 1, got {max_weight}")
    xs = nn.check_array(x_source, name="x_source")
    xt = nn.check_array(x_target, name="x_target", n_features=xs.shape[1])
    xe = nn.check_array(x_eval, name="x_eval", n_features=xs.shape[1])
    scaler = nn.Standardiser().fit(np.concatenate([xs, xt]))
    d = np.concatenate([np.zeros(len(xs)), np.ones(len(xt))])
    clf = LogisticRegression(max_iter=2000).fit(scaler.transform(np.concatenate([xs, xt])), d)
    logit = clf.decision_function(scaler.transform(xe))
    w = np.exp(np.clip(logit, -30, 30)) * len(xs) / len(xt)
    w = np.minimum(w, max_weight * np.mean(w))
    return w / np.mean(w)


def weighted_log_loss(y: Any, p: Any, weights: Any = None) -> float:
    """Weighted mean binary cross-entropy −[y ln p + (1 − y) ln(1 − p)] (p clipped to 1e-7)."""
    y = np.asarray(y, dtype=float)
    p = np.clip(np.asarray(p, dtype=float), 1e-7, 1 - 1e-7)
    loss = -(y * np.log(p) + (1 - y) * np.log1p(-p))
    return float(np.average(loss, weights=weights))


def _check_target(x_target: Any, n_features: int) -> np.ndarray:
    """Target features as (n_target, n_features) float32; refuse anything carrying labels."""
    if isinstance(x_target, TaggingSample):
        raise ValueError(f"x_target is a TaggingSample, which carries labels: {_NO_TARGET_LABELS}")
    if isinstance(x_target, tuple | list) and len(x_target) == 2 and np.ndim(x_target[1]) == 1:
        raise ValueError(f"x_target looks like a (features, labels) pair: {_NO_TARGET_LABELS}")
    return check_features(x_target, n_features, name="x_target")


class DomainAdversarialTagger(nn.Estimator):
    """DANN: the plain tagger plus a domain classifier behind a gradient-reversal layer.

    The network of :func:`~hepml_course.systematics.tagger.tagger_network`
    (16 → ``hidden`` → 1) is split into a feature extractor (its hidden
    layers, output h of width ``hidden[-1]``) and a label head (its output
    layer).  A domain head (``domain_hidden`` → 1, sigmoid) reads h and is
    trained to tell source (0) from target (1) jets.  Per minibatch (a source
    batch with labels, a target batch of the same size without):

    - label head: minimise the source binary cross-entropy L_y;
    - domain head: minimise the domain cross-entropy L_d on both batches;
    - feature extractor: minimise L_y − λ L_d (the reversed gradient of L_d),
      with λ rising along :func:`ganin_lambda` over the planned epochs.

    Standardisation is fitted on the source features only, as for
    :class:`~hepml_course.systematics.tagger.BinaryTagger`, so the adversarial
    term is the only difference to the source-only tagger.  Early stopping (and
    the state kept) uses the importance-weighted source-validation loss
    (:func:`importance_weights`): an estimate of the target loss that needs no
    target label.

    Parameters
    ----------
    feature_names
        Names of the input columns (their number sets the input width).
    hidden
        Hidden widths of the tagger; the last one is the shared representation.
    domain_hidden
        Hidden widths of the domain head.
    lambda_max, gamma
        Plateau and steepness of the gradient-reversal schedule.
    domain_steps
        Updates of the domain head (on fresh source and target batches) before
        each update of the tagger: a sharper adversary.
    epochs, batch_size, learning_rate
        Training schedule (Adam; ``batch_size`` source jets + as many target jets per update).
    validation_fraction, patience, min_epochs
        Held-out fraction of the source jets for the selection criterion,
        early-stopping patience (epochs), and epochs always run.

    Attributes
    ----------
    model_ : keras.Model
        The tagger (features → P(W/Z jet)).
    domain_model_ : keras.Model
        The domain head (representation → P(target)).
    scaler_ : hepml_course.nn.Standardiser
        Standardisation fitted on the source jets.
    history_ : dict
        Per-epoch ``label_loss``, ``domain_loss``, ``lambda`` (means over the
        epoch's updates) and ``val`` (the importance-weighted source-validation loss).
    best_epoch_ : int
        Epoch whose weights were kept.
    val_criterion_ : float
        The importance-weighted source-validation loss of the kept weights.
    train_s_ : float
        Training wall time in seconds.
    """

    _fitted_attributes: ClassVar[tuple[str, ...]] = ("model_", "domain_model_", "scaler_")

    def __init__(
        self,
        *,
        feature_names: Sequence[str] = HLF_FEATURES,
        hidden: Sequence[int] = (64, 64, 32),
        domain_hidden: Sequence[int] = (64, 32),
        lambda_max: float = 10.0,
        gamma: float = 10.0,
        domain_steps: int = 3,
        epochs: int = 30,
        batch_size: int = 256,
        learning_rate: float = 2e-3,
        validation_fraction: float = 0.15,
        patience: int = 6,
        min_epochs: int = 8,
    ) -> None:
        self.feature_names = feature_names
        self.hidden = hidden
        self.domain_hidden = domain_hidden
        self.lambda_max = lambda_max
        self.gamma = gamma
        self.domain_steps = domain_steps
        self.epochs = epochs
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.validation_fraction = validation_fraction
        self.patience = patience
        self.min_epochs = min_epochs

    # --- networks -----------------------------------------------------------
    def _check_params(self) -> None:
        if len(self.hidden) < 1:
            raise ValueError("hidden needs at least one layer (the shared representation)")
        if not self.lambda_max >= 0:
            raise ValueError(f"lambda_max must be ≥ 0, got {self.lambda_max}")
        if not 0 < self.validation_fraction < 1:
            raise ValueError(
                f"validation_fraction must be in (0, 1) (the selection needs source "
                f"validation jets), got {self.validation_fraction}"
            )

    def _build(self) -> tuple[Any, Any]:
        tagger = tagger_network(len(self.feature_names), self.hidden, name="dann_tagger")
        domain = nn.mlp(
            int(self.hidden[-1]),
            self.domain_hidden,
            1,
            output_activation="sigmoid",
            name="dann_domain",
            input_name="representation",
        )
        return tagger, domain

    def _representation(self, tagger: Any) -> Any:
        keras = nn.import_keras()
        last = tagger.get_layer(f"fc{len(self.hidden)}")
        return keras.Model(tagger.input, last.output, name="dann_features")

    def _make_steps(self, tagger: Any, domain: Any) -> tuple[Any, Any]:
        """The two compiled updates: the domain head's, then the tagger's (reversed gradient)."""
        keras = nn.import_keras()
        tf = nn.import_tensorflow()
        features = self._representation(tagger)
        head = tagger.get_layer("output")
        f_vars = list(features.trainable_variables)
        t_vars = f_vars + list(head.trainable_variables)
        d_vars = list(domain.trainable_variables)
        t_opt = keras.optimizers.Adam(learning_rate=float(self.learning_rate))
        d_opt = keras.optimizers.Adam(learning_rate=float(self.learning_rate))
        t_opt.build(t_vars)
        d_opt.build(d_vars)
        spec = tf.TensorSpec([None, len(self.feature_names)], tf.float32)
        col = tf.TensorSpec([None], tf.float32)

        def bce(y, p, w):
            p = tf.clip_by_value(p[:, 0], 1e-7, 1 - 1e-7)
            loss = -(y * tf.math.log(p) + (1 - y) * tf.math.log(1 - p))
            return tf.reduce_sum(w * loss) / tf.reduce_sum(w)

        def domain_loss(hs, ht):
            d = tf.concat([tf.zeros_like(hs[:, 0]), tf.ones_like(ht[:, 0])], 0)
            d_pred = domain(tf.concat([hs, ht], 0), training=True)
            return bce(d, d_pred, tf.ones_like(d))

        @tf.function(input_signature=[spec, spec])
        def domain_step(xs, xt):
            hs, ht = features(xs), features(xt)
            with tf.GradientTape() as tape:
                loss = domain_loss(hs, ht)
            d_opt.apply_gradients(zip(tape.gradient(loss, d_vars), d_vars, strict=True))
            return loss

        @tf.function(input_signature=[spec, col, col, spec, tf.TensorSpec([], tf.float32)])
        def tagger_step(xs, ys, ws, xt, lam):
            with tf.GradientTape(persistent=True) as tape:
                hs = features(xs, training=True)
                ht = features(xt, training=True)
                label_loss = bce(ys, head(hs), ws)
                d_loss = domain_loss(hs, ht)
            g_label = tape.gradient(label_loss, t_vars)
            g_domain = tape.gradient(d_loss, f_vars)
            del tape
            # gradient reversal: the representation climbs the domain loss, scaled by λ
            n_f = len(f_vars)
            grads = [g - lam * gd for g, gd in zip(g_label[:n_f], g_domain, strict=True)]
            t_opt.apply_gradients(zip(grads + g_label[n_f:], t_vars, strict=True))
            return label_loss, d_loss

        return domain_step, tagger_step

    # --- contract -------------------------------------------------------------
    def fit(
        self,
        X: Any,
        y: Any,
        *,
        x_target: Any,
        y_target: Any = None,
        sample_weight: Any = None,
        seed: int = 0,
    ) -> DomainAdversarialTagger:
        """Train on labelled source jets and unlabelled target jets.

        Parameters
        ----------
        X
            ``(n_source, n_features)`` source (simulation, MPI off) features.
        y
            ``(n_source,)`` source labels, 1 = W/Z jet, 0 = QCD jet.
        x_target
            ``(n_target, n_features)`` target (MPI on) features, *without* labels.
        y_target
            Must stay ``None``: it exists only to refuse target labels with a
            clear error (adaptation must not use them).
        sample_weight
            Optional ``(n_source,)`` non-negative weights of the source jets.
        seed
            Seeds the initial weights, the validation split and the batch order.

        Raises
        ------
        ValueError
            Target labels were passed (``y_target``, a TaggingSample or an
            ``(x, y)`` pair as ``x_target``), bad shapes or non-finite values.
        """
        if y_target is not None:
            raise ValueError(f"y_target was given: {_NO_TARGET_LABELS}")
        self._check_params()
        n_features = len(self.feature_names)
        x = check_features(X, n_features)
        labels = nn.check_labels(y, len(x), n_classes=2).astype(np.float32)
        weights = (
            np.ones(len(x), np.float32)
            if sample_weight is None
            else nn.check_sample_weight(sample_weight, len(x)).astype(np.float32)
        )
        xt = _check_target(x_target, n_features)
        trn, val = nn.split_indices(len(x), self.validation_fraction, seed)
        if len(val) < 2 or len(trn) < 2 or len(xt) < 2:
            raise ValueError(
                f"too few jets: {len(trn)} source training, {len(val)} source validation and "
                f"{len(xt)} target jets; pass more jets or change validation_fraction"
            )
        scaler = nn.Standardiser(tuple(self.feature_names)).fit(x[trn], sample_weight=weights[trn])
        xs_tr, xs_val, xt_s = (
            scaler.transform(x[trn]),
            scaler.transform(x[val]),
            scaler.transform(xt),
        )
        ys_tr, ws_tr = labels[trn], weights[trn]
        iw = importance_weights(x[trn], xt, x[val]) * weights[val]

        nn.seed_everything(seed)
        tagger, domain = self._build()
        domain_step, tagger_step = self._make_steps(tagger, domain)
        batch = int(self.batch_size)
        n_updates = max(1, int(self.epochs) * max(1, len(trn) // batch))
        rng = np.random.default_rng([seed, 1])
        counter = {"updates": 0}

        def one_step(idx: np.ndarray, epoch: int) -> dict[str, float]:
            lam = ganin_lambda(counter["updates"] / n_updates, self.lambda_max, self.gamma)
            counter["updates"] += 1
            for _ in range(int(self.domain_steps)):
                sidx = rng.integers(0, len(xs_tr), len(idx))
                domain_step(xs_tr[sidx], xt_s[rng.integers(0, len(xt_s), len(idx))])
            tidx = rng.integers(0, len(xt_s), len(idx))
            ly, ld = tagger_step(xs_tr[idx], ys_tr[idx], ws_tr[idx], xt_s[tidx], np.float32(lam))
            return {"label_loss": float(ly), "domain_loss": float(ld), "lambda": lam}

        # the state is chosen among the adapted epochs only: those that end with λ ≥ 0.9 λ_max
        n_batches = max(1, len(trn) // batch)
        warm = int(
            np.ceil(min(1.0, WARM_LAMBDA_PROGRESS * 10.0 / self.gamma) * n_updates / n_batches)
        )
        epoch_seen = {"n": 0}

        def validate() -> float:
            epoch_seen["n"] += 1
            if epoch_seen["n"] < warm:
                return np.inf
            p = nn.predict(tagger, xs_val)[:, 0]
            return weighted_log_loss(labels[val], p, iw)

        result = run_epochs(
            n_rows=len(trn),
            batch_size=batch,
            epochs=int(self.epochs),
            seed=seed,
            step=one_step,
            validate=validate,
            get_state=lambda: (tagger.get_weights(), domain.get_weights()),
            set_state=lambda s: (tagger.set_weights(s[0]), domain.set_weights(s[1])),
            patience=int(self.patience),
            min_epochs=max(int(self.min_epochs), warm),
        )
        self.model_, self.domain_model_, self.scaler_ = tagger, domain, scaler
        self.history_ = result.history
        self.best_epoch_ = result.best_epoch
        self.val_criterion_ = float(result.history["val"][result.best_epoch])
        self.train_s_ = result.train_s
        return self

    def predict_proba(self, X: Any) -> np.ndarray:
        """P(W/Z jet) per jet, shape (n_jets,)."""
        self._check_is_fitted()
        x = check_features(X, len(self.feature_names))
        return nn.predict(self.model_, self.scaler_.transform(x))[:, 0]

    def predict(self, X: Any) -> np.ndarray:
        """Class per jet at P = :data:`THRESHOLD` (1 = W/Z jet), shape (n_jets,), int64."""
        return (self.predict_proba(X) > THRESHOLD).astype(np.int64)

    def domain_proba(self, X: Any) -> np.ndarray:
        """The domain head's P(target domain) per jet, shape (n_jets,) (0.5: indistinguishable)."""
        self._check_is_fitted()
        x = self.scaler_.transform(check_features(X, len(self.feature_names)))
        h = nn.predict(self._representation(self.model_), x)
        return nn.predict(self.domain_model_, h)[:, 0]

    def _save_state(self, writer: Any) -> dict[str, Any]:
        writer.keras_weights("model", self.model_)
        writer.keras_weights("domain", self.domain_model_)
        return {
            "scaler": self.scaler_.to_dict(),
            "history": self.history_,
            "best_epoch": self.best_epoch_,
            "val_criterion": self.val_criterion_,
            "train_s": self.train_s_,
        }

    def _load_state(self, reader: Any, state: dict[str, Any]) -> None:
        tagger, domain = self._build()
        self.model_ = reader.keras_weights("model", tagger)
        self.domain_model_ = reader.keras_weights("domain", domain)
        self.scaler_ = nn.Standardiser.from_dict(state["scaler"])
        self.history_, self.best_epoch_ = state["history"], state["best_epoch"]
        self.val_criterion_, self.train_s_ = state["val_criterion"], state["train_s"]


def accuracy(y: Any, proba: Any, threshold: float = THRESHOLD) -> float:
    """Fraction of jets whose class (P > ``threshold`` → W/Z) equals the label ``y``."""
    y = np.asarray(y)
    proba = np.asarray(proba)
    if y.shape != proba.shape or y.ndim != 1:
        raise ValueError(f"y and proba must be 1-D of equal length, got {y.shape}, {proba.shape}")
    return float(np.mean((proba > threshold) == (y == 1)))


def representation_domain_auc(
    model: DomainAdversarialTagger, x_source: Any, x_target: Any, *, seed: int = 0
) -> float:
    """How well a fresh classifier tells source from target jets in the tagger's representation.

    A logistic regression on the last hidden layer of ``model.model_`` is
    trained and evaluated by 5-fold cross-fitting on the two sets of jets (no
    class labels involved); 0.5 means the representation carries no
    information on the domain, 1 that it separates them perfectly.

    Parameters
    ----------
    model
        A fitted :class:`DomainAdversarialTagger`.
    x_source, x_target
        ``(n_source, n_features)`` and ``(n_target, n_features)`` held-out jets.
    seed
        Seeds the folds.

    Returns
    -------
    float
        Cross-fitted ROC AUC of the domain classifier.
    """
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import roc_auc_score
    from sklearn.model_selection import StratifiedKFold, cross_val_predict

    model._check_is_fitted()
    n = len(model.feature_names)
    xs = check_features(x_source, n, name="x_source")
    xt = _check_target(x_target, n)
    if min(len(xs), len(xt)) < 5:
        raise ValueError(f"need at least 5 jets per domain, got {len(xs)} and {len(xt)}")
    features = model._representation(model.model_)
    h = np.concatenate([nn.predict(features, model.scaler_.transform(x)) for x in (xs, xt)])
    d = np.concatenate([np.zeros(len(xs)), np.ones(len(xt))])
    folds = StratifiedKFold(5, shuffle=True, random_state=seed)
    score = cross_val_predict(
        LogisticRegression(max_iter=2000), h, d, cv=folds, method="decision_function"
    )
    return float(roc_auc_score(d, score))


def selection_criterion(
    model: DomainAdversarialTagger,
    x_source_val: Any,
    y_source_val: Any,
    x_target_val: Any,
    *,
    seed: int = 0,
) -> dict[str, float]:
    """Label-free estimate of how well an adapted tagger does on the target.

    Ben-David et al. (Mach. Learn. 79 (2010) 151) bound the target error by the
    source error plus the divergence of the two domains in the representation;
    the criterion is its empirical proxy: source-validation error + (2 AUC − 1),
    with AUC from :func:`representation_domain_auc` (2 AUC − 1 plays the role
    of half the proxy A-distance).  Lower is better; only source labels are used.

    Parameters
    ----------
    model
        A fitted :class:`DomainAdversarialTagger`.
    x_source_val, y_source_val
        ``(n, n_features)`` labelled source validation jets (not trained on).
    x_target_val
        ``(m, n_features)`` target jets *without* labels, not trained on.
    seed
        Seeds the folds of the domain classifier.

    Returns
    -------
    dict
        ``source_error`` (at P = 0.5), ``domain_auc``, ``criterion``.
    """
    err = 1.0 - accuracy(
        nn.check_labels(y_source_val, len(x_source_val), n_classes=2),
        model.predict_proba(x_source_val),
    )
    auc = representation_domain_auc(model, x_source_val, x_target_val, seed=seed)
    return {"source_error": err, "domain_auc": auc, "criterion": err + (2.0 * auc - 1.0)}


def _concat(a: TaggingSample, b: TaggingSample) -> TaggingSample:
    return TaggingSample(
        np.concatenate([a.x, b.x]),
        np.concatenate([a.y, b.y]),
        np.concatenate([a.mass_gev, b.mass_gev]),
        a.feature_names,
    )


def _one_seed(
    source: TaggingSample,
    target: TaggingSample,
    lambdas: Sequence[float],
    seed: int,
) -> dict[str, Any]:
    """Source-only, adapted (λ chosen without target labels) and target-trained, one split."""
    train, val, test = split_sample(source, (0.5, 0.25, 0.25), seed=seed)
    adapt, target_val, target_test = split_sample(target, TARGET_FRACTIONS, seed=seed)
    source_only = BinaryTagger().fit(train.x, train.y, seed=seed)
    reference = _concat(adapt, target_val)  # labelled only for the target-trained tagger
    target_trained = BinaryTagger().fit(reference.x, reference.y, seed=seed)
    runs = []
    for lam in lambdas:
        model = DomainAdversarialTagger(lambda_max=lam).fit(
            train.x, train.y, x_target=adapt.x, seed=seed
        )
        crit = selection_criterion(model, val.x, val.y, target_val.x, seed=seed)
        runs.append(
            {
                "lambda_max": lam,
                **crit,
                "test_acc": accuracy(target_test.y, model.predict_proba(target_test.x)),
                # oracle information only: target labels of the selection split
                "target_val_acc": accuracy(target_val.y, model.predict_proba(target_val.x)),
                "source_test_acc": accuracy(test.y, model.predict_proba(test.x)),
            }
        )
    chosen = min(runs, key=lambda r: r["criterion"])
    oracle = max(runs, key=lambda r: r["target_val_acc"])
    return {
        "source_only_acc": accuracy(target_test.y, source_only.predict_proba(target_test.x)),
        "adapted_acc": chosen["test_acc"],
        "target_trained_acc": accuracy(target_test.y, target_trained.predict_proba(target_test.x)),
        "source_only_acc_on_source": accuracy(test.y, source_only.predict_proba(test.x)),
        "adapted_acc_on_source": chosen["source_test_acc"],
        "oracle_adapted_acc": oracle["test_acc"],
        "lambda_selected": chosen["lambda_max"],
        "domain_auc_selected": chosen["domain_auc"],
        "runs": runs,
        "n_source_train": len(train),
        "n_target_adapt": len(adapt),
        "n_target_reference": len(reference),
        "n_target_test": len(target_test),
    }


def domain_study(*, seed: int = 0, quick: bool = False, path: str | None = None) -> dict[str, Any]:
    """Source-only, adapted and target-trained W/Z-vs-QCD accuracy on MPI-on jets.

    Source: tree ``jets`` (MPI off, labelled), split 50/25/25 into training,
    validation (λ selection) and test jets.  Target: tree ``mpi_on``, split
    40/10/50 into adaptation jets (unlabelled for the DANN), selection jets
    (unlabelled; only their features enter :func:`selection_criterion`) and
    test jets.  The source-only tagger is a
    :class:`~hepml_course.systematics.tagger.BinaryTagger` on the source
    training jets; the target-trained reference is a BinaryTagger on the
    labelled adaptation + selection jets (the same target jets the DANN sees
    without labels); the adapted tagger is the :class:`DomainAdversarialTagger`
    whose λ_max minimises the label-free :func:`selection_criterion`.
    Accuracies are at P(W/Z) > 0.5 on the target test jets.

    Parameters
    ----------
    seed
        First seed; the full study averages seeds ``seed … seed + N_SEEDS_FULL − 1``
        (each one a new split and new initial weights).
    quick
        The chapter's configuration: one seed, one λ_max (:data:`QUICK_LAMBDA`).
    path
        Another file of the ``jets`` dataset (default: the shipped one).

    Returns
    -------
    dict
        ``source_only_acc``, ``adapted_acc``, ``target_trained_acc`` (means over
        seeds), their ``*_std`` (spread over seeds, 0 for one seed),
        ``gap_recovered`` = (adapted − source-only) / (target-trained −
        source-only) of the means (NaN if there is no gap), the per-seed values
        in ``per_seed``, ``oracle_adapted_acc`` (λ chosen with target labels of
        the selection split: information only, not the reported result),
        ``lambda_grid``, jet counts, ``threshold``, ``seeds`` and ``wall_s``.
    """
    import time

    start = time.perf_counter()
    source = load_tagging("jets", path=path)
    target = load_tagging("mpi_on", path=path)
    seeds = [seed] if quick else [seed + k for k in range(N_SEEDS_FULL)]
    lambdas = (QUICK_LAMBDA,) if quick else LAMBDA_GRID
    per_seed = [_one_seed(source, target, lambdas, s) for s in seeds]

    def stat(key: str) -> tuple[float, float]:
        values = np.array([r[key] for r in per_seed], dtype=float)
        return float(values.mean()), float(values.std(ddof=1)) if len(values) > 1 else 0.0

    out: dict[str, Any] = {}
    for key in (
        "source_only_acc",
        "adapted_acc",
        "target_trained_acc",
        "oracle_adapted_acc",
        "source_only_acc_on_source",
        "adapted_acc_on_source",
    ):
        out[key], out[f"{key}_std"] = stat(key)
    gap = out["target_trained_acc"] - out["source_only_acc"]
    out["gap_recovered"] = (
        float((out["adapted_acc"] - out["source_only_acc"]) / gap) if gap > 0 else float("nan")
    )
    first = per_seed[0]
    out.update(
        {
            "lambda_grid": list(lambdas),
            "lambda_selected": [r["lambda_selected"] for r in per_seed],
            "n_source_train": first["n_source_train"],
            "n_target_adapt": first["n_target_adapt"],
            "n_target_reference": first["n_target_reference"],
            "n_target_test": first["n_target_test"],
            "threshold": THRESHOLD,
            "seeds": seeds,
            "per_seed": [{k: v for k, v in r.items() if not k.startswith("n_")} for r in per_seed],
            "wall_s": time.perf_counter() - start,
        }
    )
    return out
