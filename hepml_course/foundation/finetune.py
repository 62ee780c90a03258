"""Fine-tuning: a jet tagger on the foundation backbone, pre-trained or from scratch.

:class:`FoundationTagger` puts a small head on the particle encoder of
:mod:`~hepml_course.foundation.backbone`: masked mean pooling of the particle
vectors, optionally joined by the jet's log multiplicity, a dense block and a
softmax.  Given a pre-trained backbone it starts from its encoder weights and
standardises the jets with the pre-training's preprocessing (not refitted);
with ``backbone=None`` the same architecture is trained from random weights —
the comparison "pre-trained + fine-tuned vs from scratch".
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any, ClassVar

import numpy as np

from hepml_course import nn
from hepml_course.foundation._checks import check_constituents
from hepml_course.foundation.backbone import ENCODER_NAME, BackboneConfig, make_encoder
from hepml_course.foundation.pretrain import PretrainedBackbone

#: The feature column with each jet's total number of constituents.
MULTIPLICITY = "j_multiplicity"
#: Architecture of a from-scratch encoder when not given (the default backbone's).
DEFAULT_ARCHITECTURE = {"dim": 64, "heads": 4, "n_blocks": 4, "ffn_mult": 2}


@functools.cache
def _masked_mean_layer() -> type:
    keras = nn.import_keras()
    ops = keras.ops

    class MaskedMean(keras.layers.Layer):
        """``(B, N, D)``, mask ``(B, N)`` → ``(B, D)`` mean over the real particles."""

        def call(self, x: Any, mask: Any) -> Any:
            m = ops.expand_dims(ops.cast(mask, x.dtype), -1)
            return ops.sum(x * m, axis=1) / ops.maximum(ops.sum(m, axis=1), 1.0)

    return MaskedMean


class FoundationTagger(nn.Estimator):
    """Jet tagger on the foundation backbone (fine-tuned, or trained from scratch).

    ``X`` is a :class:`~hepml_course.classification.JetInputs` with constituents
    (pT [GeV], Δη, Δφ [rad], E [GeV], pT-ordered, padded to at least
    ``n_particles``) and, with ``use_multiplicity``, the feature ``j_multiplicity``.

    Parameters
    ----------
    backbone
        ``None`` (train the encoder from random weights), a
        :class:`~hepml_course.foundation.PretrainedBackbone`, or the folder of a
        saved one (loaded, sha256-verified, at ``fit``).
    n_particles
        Constituents per jet read (the hardest); must equal the backbone's.
    n_classes
        Number of classes.
    dim, heads, n_blocks, ffn_mult
        Encoder architecture; ``None`` = the backbone's (or, from scratch,
        :data:`DEFAULT_ARCHITECTURE`).  Values that differ from the backbone's are refused.
    head
        Hidden widths of the classification head (GELU).
    use_multiplicity
        Join the standardised log of the jet's total constituent count to the pooled vector.
    freeze_backbone
        Keep the encoder weights fixed (train only the head: "linear probing").
    epochs, batch_size, learning_rate, validation_fraction, patience
        Training schedule (:func:`hepml_course.nn.train`: Adam, early stopping on a
        held-out fraction, keeping the best weights); ``epochs=0`` trains nothing.

    Attributes
    ----------
    model_ : keras.Model
        ``[features, mask(, log multiplicity)] → class probabilities``.
    scaler_ : ConstituentPreprocessor
        Constituent standardisation (the backbone's, or fitted on the training jets).
    multiplicity_scaler_ : hepml_course.nn.Standardiser or None
    config_ : BackboneConfig
    backbone_info_ : dict or None
        Fingerprint, weights sha256 and folder of the backbone it started from.
    history_ : dict
    train_s_ : float
    """

    _fitted_attributes: ClassVar[tuple[str, ...]] = ("model_", "scaler_")

    def __init__(
        self,
        *,
        backbone: PretrainedBackbone | str | Path | None = None,
        n_particles: int = 30,
        n_classes: int = 5,
        dim: int | None = None,
        heads: int | None = None,
        n_blocks: int | None = None,
        ffn_mult: int | None = None,
        head: tuple[int, ...] = (64,),
        use_multiplicity: bool = True,
        freeze_backbone: bool = False,
        epochs: int = 20,
        batch_size: int = 128,
        learning_rate: float = 1e-3,
        validation_fraction: float = 0.1,
        patience: int = 5,
    ) -> None:
        self.backbone = backbone
        self.n_particles = n_particles
        self.n_classes = n_classes
        self.dim = dim
        self.heads = heads
        self.n_blocks = n_blocks
        self.ffn_mult = ffn_mult
        self.head = head
        self.use_multiplicity = use_multiplicity
        self.freeze_backbone = freeze_backbone
        self.epochs = epochs
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.validation_fraction = validation_fraction
        self.patience = patience

    def get_params(self) -> dict[str, Any]:
        """Hyper-parameters; a backbone object is given as its folder (JSON-able)."""
        params = super().get_params()
        bb = params["backbone"]
        if isinstance(bb, PretrainedBackbone):
            params["backbone"] = (
                str(bb.path) if bb.path else f"<in-memory backbone {bb.fingerprint[:12]}>"
            )
        elif isinstance(bb, Path):
            params["backbone"] = str(bb)
        return params

    # --- backbone and architecture -------------------------------------------------------
    def _resolve_backbone(self) -> PretrainedBackbone | None:
        bb = self.backbone
        if bb is None or isinstance(bb, PretrainedBackbone):
            return bb
        if isinstance(bb, str | Path):
            if not Path(bb).exists():
                raise FileNotFoundError(
                    f"no pre-trained backbone at {bb}: give the folder written by "
                    "python -m hepml_course.foundation.pretrain, a PretrainedBackbone, or "
                    "backbone=None to train from scratch"
                )
            return PretrainedBackbone.load(bb)
        raise TypeError(
            f"backbone must be None, a PretrainedBackbone or a folder, got {type(bb).__name__}"
        )

    def _config(self, backbone: PretrainedBackbone | None) -> BackboneConfig:
        from hepml_course.classification import CONSTITUENT_INPUTS

        given = {
            "dim": self.dim,
            "heads": self.heads,
            "n_blocks": self.n_blocks,
            "ffn_mult": self.ffn_mult,
        }
        if backbone is None:
            arch = {k: DEFAULT_ARCHITECTURE[k] if v is None else v for k, v in given.items()}
            return BackboneConfig(self.n_particles, len(CONSTITUENT_INPUTS), **arch)
        cfg = backbone.config
        if cfg.n_particles != self.n_particles:
            raise ValueError(
                f"the backbone reads {cfg.n_particles} particles per jet but the tagger has "
                f"n_particles={self.n_particles}: use n_particles={cfg.n_particles}"
            )
        if (
            cfg.n_inputs != len(CONSTITUENT_INPUTS)
            or backbone.scaler.n_particles != cfg.n_particles
        ):
            raise ValueError(
                f"the backbone expects {cfg.n_inputs} inputs per particle, padded to "
                f"{backbone.scaler.n_particles}; this version builds {len(CONSTITUENT_INPUTS)} "
                f"({', '.join(CONSTITUENT_INPUTS)}) for {cfg.n_particles}: re-run the pre-training"
            )
        wrong = {
            k: (v, getattr(cfg, k))
            for k, v in given.items()
            if v is not None and v != getattr(cfg, k)
        }
        if wrong:
            detail = ", ".join(f"{k}={v} (backbone: {b})" for k, (v, b) in wrong.items())
            raise ValueError(
                f"architecture differs from the backbone's: {detail}; leave them None to "
                "take the backbone's"
            )
        return cfg

    def _build(self, config: BackboneConfig) -> Any:
        keras = nn.import_keras()
        L = keras.layers
        x_in = keras.Input(shape=(config.n_particles, config.n_inputs), name="features")
        m_in = keras.Input(shape=(config.n_particles,), name="mask")
        encoder = make_encoder(config)
        h = encoder(x_in, m_in)
        pooled = _masked_mean_layer()(name="masked_mean")(h, m_in)
        inputs = [x_in, m_in]
        if self.use_multiplicity:
            g_in = keras.Input(shape=(1,), name="log_multiplicity")
            pooled = L.Concatenate(name="join_jet")([pooled, g_in])
            inputs.append(g_in)
        z = nn.dense_block(pooled, list(self.head), activation="gelu", name="head")
        out = L.Dense(self.n_classes, activation="softmax", name="output")(z)
        return keras.Model(inputs, out, name="foundation_tagger")

    # --- inputs ------------------------------------------------------------------------------
    def _jets(self, X: Any) -> Any:
        from hepml_course.classification import JetInputs

        if not isinstance(X, JetInputs):
            raise TypeError(
                f"FoundationTagger reads jet constituents: pass a JetInputs (e.g. split.x_train "
                f"from load_jets(...)), got {type(X).__name__}"
            )
        return X

    def _log_multiplicity(self, X: Any) -> np.ndarray:
        m = X.columns((MULTIPLICITY,)).astype(np.float64)
        if np.any(m < 1):
            raise ValueError(f"{MULTIPLICITY} must hold constituent counts >= 1")
        return np.log(m)

    def _inputs(self, X: Any, scaler: Any, mult: nn.Standardiser | None) -> list[np.ndarray]:
        particles, mask = X.hardest(self.n_particles)
        particles, mask = check_constituents(particles, mask, n_particles=self.n_particles)
        out = [scaler.transform(particles, mask), mask.astype(np.float32)]
        if mult is not None:
            out.append(mult.transform(self._log_multiplicity(X)))
        return out

    # --- contract -----------------------------------------------------------------------------
    def fit(self, X: Any, y: Any, *, sample_weight: Any = None, seed: int = 0) -> FoundationTagger:
        """Fine-tune (or train from scratch) on labelled jets.

        Parameters
        ----------
        X
            Training jets (:class:`~hepml_course.classification.JetInputs` with constituents).
        y
            ``(n_jets,)`` integer labels in ``[0, n_classes)``.
        sample_weight
            Optional ``(n_jets,)`` non-negative loss weights.
        seed
            Seeds the new weights (head; the encoder too from scratch), the
            validation split and the batch order.
        """
        from hepml_course.classification import ConstituentPreprocessor

        X = self._jets(X)
        n = nn.check_lengths(X=X, y=y, sample_weight=sample_weight)
        labels = nn.check_labels(y, n, n_classes=self.n_classes)
        weights = None if sample_weight is None else nn.check_sample_weight(sample_weight, n)
        if int(self.epochs) < 0:
            raise ValueError(f"epochs must be >= 0, got {self.epochs}")
        backbone = self._resolve_backbone()
        config = self._config(backbone)
        particles, mask = X.hardest(self.n_particles)
        particles, mask = check_constituents(particles, mask, n_particles=self.n_particles)
        if backbone is None:
            scaler = ConstituentPreprocessor(self.n_particles).fit(particles, mask)
        else:
            scaler = backbone.scaler
        mult = None
        if self.use_multiplicity:
            mult = nn.Standardiser(("log_multiplicity",))
            mult.fit(self._log_multiplicity(X), sample_weight=weights)
        nn.seed_everything(seed)
        model = self._build(config)
        encoder = model.get_layer(ENCODER_NAME)
        info = None
        if backbone is not None:
            encoder.set_weights(backbone.encoder.get_weights())
            info = {
                "path": None if backbone.path is None else str(backbone.path),
                "tokeniser_fingerprint": backbone.fingerprint,
                "weights_sha256": backbone.info.get("weights_sha256"),
            }
        encoder.trainable = not self.freeze_backbone
        # only pre-training hides particles: the mask vector and rank embedding stay fixed
        encoder.mask_token.trainable = False
        encoder.rank_embedding.trainable = False
        result = nn.TrainingResult()
        if int(self.epochs) > 0:
            result = nn.train(
                model,
                self._inputs(X, scaler, mult),
                labels,
                loss="sparse_categorical_crossentropy",
                metrics=["accuracy"],
                seed=seed,
                epochs=int(self.epochs),
                batch_size=self.batch_size,
                learning_rate=self.learning_rate,
                sample_weight=weights,
                validation_fraction=self.validation_fraction,
                patience=self.patience,
            )
        self.model_, self.scaler_, self.multiplicity_scaler_ = model, scaler, mult
        self.config_, self.backbone_info_ = config, info
        self.history_, self.train_s_, self.seed_ = result.history, result.train_s, seed
        return self

    def predict_proba(self, X: Any) -> np.ndarray:
        """Class probabilities ``(n_jets, n_classes)``."""
        self._check_is_fitted()
        X = self._jets(X)
        return nn.predict(
            self.model_, self._inputs(X, self.scaler_, self.multiplicity_scaler_), batch_size=1024
        )

    def predict(self, X: Any) -> np.ndarray:
        """Most probable class ``(n_jets,)`` int64."""
        return np.argmax(self.predict_proba(X), axis=1).astype(np.int64)

    @property
    def n_params(self) -> int:
        """Parameters of the network, encoder + head (0 before fit)."""
        return nn.count_parameters(getattr(self, "model_", None))

    @property
    def encoder_(self) -> Any:
        """The fitted ``ParticleEncoder`` layer."""
        self._check_is_fitted()
        return self.model_.get_layer(ENCODER_NAME)

    def _save_state(self, writer: Any) -> dict[str, Any]:
        writer.keras_weights("model", self.model_)
        mult = self.multiplicity_scaler_
        return {
            "config": self.config_.to_dict(),
            "scaler": self.scaler_.to_dict(),
            "multiplicity_scaler": None if mult is None else mult.to_dict(),
            "backbone": self.backbone_info_,
            "history": self.history_,
            "train_s": self.train_s_,
        }

    def _load_state(self, reader: Any, state: dict[str, Any]) -> None:
        from hepml_course.classification import ConstituentPreprocessor

        self.config_ = BackboneConfig(**state["config"])
        self.model_ = reader.keras_weights("model", self._build(self.config_))
        self.scaler_ = ConstituentPreprocessor.from_dict(state["scaler"])
        mult = state["multiplicity_scaler"]
        self.multiplicity_scaler_ = None if mult is None else nn.Standardiser.from_dict(mult)
        self.backbone_info_ = state["backbone"]
        self.history_, self.train_s_ = state["history"], state["train_s"]
