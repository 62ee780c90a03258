"""Common contract, inputs and training of the constituent-based taggers (private)."""

from __future__ import annotations

import functools
from typing import Any, ClassVar

import numpy as np

from hepml_course import nn
from hepml_course.classification._inputs import jet_inputs, targets
from hepml_course.classification.jets import JetInputs
from hepml_course.classification.preprocessing import CONSTITUENT_INPUTS, ConstituentPreprocessor

#: The feature column that holds each jet's total number of constituents.
MULTIPLICITY = "j_multiplicity"


@functools.cache
def masked_sum_layer() -> type:
    """The Keras layer ``MaskedSum`` (defined on first use, after Keras is imported)."""
    keras = nn.import_keras()
    ops = keras.ops

    class MaskedSum(keras.layers.Layer):
        """``(B, N, D)`` latent vectors, ``(B, N)`` mask (1 = real) → ``(B, D)`` sum over the
        real particles (order-free: the Deep Sets / Particle Flow pooling)."""

        def call(self, x: Any, mask: Any) -> Any:
            return ops.sum(x * ops.expand_dims(ops.cast(mask, x.dtype), -1), axis=1)

    return MaskedSum


class ParticleTagger(nn.Estimator):
    """Base of the taggers that read jet constituents (not exported).

    Preprocesses the ``n_particles`` hardest constituents of each jet (fitted
    on training jets) and trains the Keras network of :meth:`_build` with
    :func:`hepml_course.nn.train`.  ``X`` is a
    :class:`~hepml_course.classification.jets.JetInputs` with constituents
    (pT-ordered, padded to at least ``n_particles``; the softer ones are
    dropped) and, with ``use_multiplicity``, the feature ``j_multiplicity``.

    Parameters
    ----------
    n_particles
        Constituents per jet the network reads (the hardest ones).
    epochs, batch_size, learning_rate
        Training schedule (Adam; the rate is halved after 2 epochs without
        improvement; early stopping on ``validation_fraction`` of the training
        jets, keeping the best-validation-loss weights).
    validation_fraction, patience
        Held-out fraction and early-stopping patience (epochs).
    n_classes
        Number of classes.
    use_multiplicity
        Also give the network the jet's total number of constituents (log,
        standardised) after the particle pooling.  The stored constituents are
        truncated, which would otherwise hide the count — one of the best
        quark/gluon discriminants.

    Attributes
    ----------
    model_ : keras.Model
        The trained network (outputs class probabilities).
    scaler_ : ConstituentPreprocessor
        Per-constituent input standardisation fitted on the training jets.
    multiplicity_scaler_ : hepml_course.nn.Standardiser or None
        Standardisation of log(multiplicity) (``None`` without ``use_multiplicity``).
    history_ : dict
        Per-epoch ``loss``, ``accuracy``, ``val_loss``, ``val_accuracy``.
    train_s_ : float
        Training wall time in seconds.
    """

    _fitted_attributes: ClassVar[tuple[str, ...]] = ("model_", "scaler_")
    #: Jets per prediction batch: large is fast, but a network whose intermediate tensors
    #: grow with the jets' particle pairs or edges sets it lower to bound the memory.
    _predict_batch_size: ClassVar[int] = 4096

    def __init__(
        self,
        *,
        n_particles: int = 30,
        epochs: int = 10,
        batch_size: int = 256,
        learning_rate: float = 2e-3,
        validation_fraction: float = 0.1,
        patience: int = 5,
        n_classes: int = 5,
        use_multiplicity: bool = True,
    ) -> None:
        self.n_particles = n_particles
        self.epochs = epochs
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.validation_fraction = validation_fraction
        self.patience = patience
        self.n_classes = n_classes
        self.use_multiplicity = use_multiplicity

    # --- hooks of the subclasses -----------------------------------------
    def _build(self) -> Any:  # pragma: no cover - abstract
        """The uncompiled Keras model (inputs in the order of :meth:`_network_inputs`)."""
        raise NotImplementedError

    def _extra_inputs(self, particles: np.ndarray, mask: np.ndarray) -> list[np.ndarray]:
        """Inputs placed after the mask (the transformer's raw constituents)."""
        return []

    # --- inputs -----------------------------------------------------------
    @property
    def n_global(self) -> int:
        """Number of jet-level inputs joined after the pooling (0 or 1)."""
        return int(self.use_multiplicity)

    @property
    def n_inputs(self) -> int:
        """Per-constituent input features."""
        return len(CONSTITUENT_INPUTS)

    def _log_multiplicity(self, X: JetInputs) -> np.ndarray:
        m = X.columns((MULTIPLICITY,)).astype(np.float64)
        if np.any(m < 1):
            raise ValueError(f"{MULTIPLICITY} must hold constituent counts >= 1")
        return np.log(m)

    def _network_inputs(
        self, X: JetInputs, scaler: ConstituentPreprocessor, mult: nn.Standardiser | None
    ) -> list[np.ndarray]:
        """Network inputs: standardised features ``(n, N, 7)``, the mask as float ``(n, N)``,
        the subclass's extra inputs and, with ``use_multiplicity``, the standardised log
        multiplicity ``(n, 1)``."""
        particles, mask = X.hardest(self.n_particles)
        out = [scaler.transform(particles, mask), mask.astype(np.float32)]
        out += self._extra_inputs(particles, mask)
        if mult is not None:
            out.append(mult.transform(self._log_multiplicity(X)))
        return out

    # --- contract -----------------------------------------------------------
    def fit(self, X: Any, y: Any, *, sample_weight: Any = None, seed: int = 0) -> ParticleTagger:
        """Fit the preprocessing and the network on training jets.

        Parameters
        ----------
        X
            Training jets (:class:`JetInputs` with constituents).
        y
            ``(n_jets,)`` integer labels in ``[0, n_classes)``.
        sample_weight
            Optional ``(n_jets,)`` non-negative weights of the loss.
        seed
            Seeds the initial weights, the validation split and the batch order.
        """
        X = jet_inputs(X, type(self).__name__)
        labels, weights = targets(X, y, sample_weight, self.n_classes)
        particles, mask = X.hardest(self.n_particles)
        scaler = ConstituentPreprocessor(self.n_particles).fit(particles, mask)
        mult = None
        if self.use_multiplicity:
            mult = nn.Standardiser(("log_multiplicity",))
            mult.fit(self._log_multiplicity(X), sample_weight=weights)
        nn.seed_everything(seed)
        model = self._build()
        result = nn.train(
            model,
            self._network_inputs(X, scaler, mult),
            labels,
            loss="sparse_categorical_crossentropy",
            metrics=["accuracy"],
            seed=seed,
            epochs=self.epochs,
            batch_size=self.batch_size,
            learning_rate=self.learning_rate,
            sample_weight=weights,
            validation_fraction=self.validation_fraction,
            patience=self.patience,
        )
        self.model_, self.scaler_, self.multiplicity_scaler_ = model, scaler, mult
        self.history_, self.train_s_, self.seed_ = result.history, result.train_s, seed
        return self

    def predict_proba(self, X: Any) -> np.ndarray:
        """Class probabilities ``(n_jets, n_classes)``."""
        self._check_is_fitted()
        X = jet_inputs(X, type(self).__name__)
        return nn.predict(
            self.model_,
            self._network_inputs(X, self.scaler_, self.multiplicity_scaler_),
            batch_size=self._predict_batch_size,
        )

    @property
    def n_params(self) -> int:
        """Parameters of the network (0 before fit)."""
        return nn.count_parameters(getattr(self, "model_", None))

    def _save_state(self, writer: Any) -> dict[str, Any]:
        writer.keras_weights("model", self.model_)
        mult = self.multiplicity_scaler_
        return {
            "scaler": self.scaler_.to_dict(),
            "multiplicity_scaler": None if mult is None else mult.to_dict(),
            "history": self.history_,
            "train_s": self.train_s_,
        }

    def _load_state(self, reader: Any, state: dict[str, Any]) -> None:
        self.model_ = reader.keras_weights("model", self._build())
        self.scaler_ = ConstituentPreprocessor.from_dict(state["scaler"])
        mult = state["multiplicity_scaler"]
        self.multiplicity_scaler_ = None if mult is None else nn.Standardiser.from_dict(mult)
        self.history_, self.train_s_ = state["history"], state["train_s"]
