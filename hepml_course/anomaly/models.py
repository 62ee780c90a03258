"""Anomaly-detection trigger models (Keras 3, QKeras-API quantization; small enough for an FPGA).

* :class:`DenseAutoencoder` — 57 → 32 → 16 → 3 → 16 → 32 → 57, quantized
  throughout; the anomaly score is the reconstruction error.
* :class:`TriggerVAE` — AXOL1TL-like variational autoencoder: quantized encoder
  57 → 32 → 16 → (μ, log σ²) of a 3-d latent space, float decoder used only in
  training.  The trigger score is Σ μ² (only the encoder runs in hardware); the
  KL divergence is the alternative score (``score(X, kind="kl")``).
* :class:`ConvTeacher` — CICADA-like convolutional autoencoder on log(1 + ET)
  of the 18 × 14 calorimeter-region image (float, offline); score =
  reconstruction error.
* :class:`CicadaStudent` — a tiny quantized network trained to reproduce
  log(teacher score) from the raw region ET: knowledge distillation into
  something that fits the hardware latency.  The teacher's scores are its ``y``.

Every class follows the package's model contract (:class:`hepml_course.nn.Estimator`):
keyword-only hyper-parameters, ``fit(X, y=None, *, sample_weight=None, seed=0) -> self``,
one output verb ``score``, ``save``/``load``.  The quantized layers come from the
QKeras-API module that ``hgq2`` ships (``qkeras.qlayers.QDense``, ``QActivation``,
``QConv2D``); the FPGA chapter converts them with hls4ml.  Inputs are the arrays
of :mod:`hepml_course.anomaly.features`.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any, ClassVar

import numpy as np

from hepml_course import nn
from hepml_course.anomaly.features import scale_images, student_inputs

#: Quantizer of the model inputs, 16 bits = sign + 6 integer + 9 fractional bits: the first
#: layer of every quantized model, so that hls4ml's emulation is bit-exact.
INPUT_BITS, INPUT_INTEGER_BITS = 16, 6
#: Shape of one calorimeter-region image (φ, η).
IMAGE_SHAPE = (18, 14)


# --- quantized building blocks (QKeras API of hgq2) --------------------------------------------
def _signed(bits: int, integer: int) -> Any:
    """A signed fixed-point quantizer of ``bits`` bits in total, sign included.

    hgq2's ``quantized_bits(b, i)`` counts ``b`` bits *without* the sign bit (QKeras
    counted it): ``quantized_bits(bits - 1, integer)`` is the QKeras ``quantized_bits(bits,
    integer)`` — e.g. 8 bits = sign + 7 fractional bits for weights in [−1, 1).
    """
    from qkeras import quantized_bits

    return quantized_bits(int(bits) - 1, int(integer), alpha=1)


def _quantizers(bits: int) -> tuple[Any, Any, Any]:
    """Weight, bias (signed, ``bits`` bits in [−1, 1)) and ReLU (``bits`` bits in [0, 8))."""
    from qkeras import quantized_relu

    return _signed(bits, 0), _signed(bits, 0), quantized_relu(int(bits), 3)


def _input_quantizer(x: Any, name: str = "input_quant") -> Any:
    from qkeras.qlayers import QActivation

    return QActivation(_signed(INPUT_BITS, INPUT_INTEGER_BITS), name=name)(x)


def _qdense(x: Any, units: int, bits: int, name: str, relu: bool = True) -> Any:
    from qkeras.qlayers import QActivation, QDense

    w, b, r = _quantizers(bits)
    x = QDense(int(units), kernel_quantizer=w, bias_quantizer=b, name=name)(x)
    return QActivation(r, name=f"{name}_relu")(x) if relu else x


def _qdense_block(x: Any, hidden: Sequence[int], bits: int, name: str) -> Any:
    """Quantized counterpart of :func:`hepml_course.nn.dense_block`: QDense + quantized ReLU."""
    for i, units in enumerate(hidden):
        x = _qdense(x, units, bits, f"{name}{i}")
    return x


def conv_autoencoder(shape: tuple[int, int], filters: Sequence[int], latent: int, name: str) -> Any:
    """Convolutional autoencoder (H, W, 1) → (H, W, 1) with a dense bottleneck of ``latent``.

    Conv(f₀) → 2 × 2 average pooling → Conv(f₁) → Dense(latent) → Dense → upsampling →
    Conv(f₀) → Conv(1); H and W must be even.  Used by :class:`ConvTeacher` and
    :class:`hepml_course.anomaly.dqm.DQMAutoencoder`.
    """
    keras = nn.import_keras()
    layers = keras.layers
    h, w = shape
    f0, f1 = (int(f) for f in filters)
    inputs = keras.Input((h, w, 1), name="image")
    x = layers.Conv2D(f0, 3, padding="same", activation="relu", name="conv1")(inputs)
    x = layers.AveragePooling2D(2, name="pool")(x)
    x = layers.Conv2D(f1, 3, padding="same", activation="relu", name="conv2")(x)
    x = layers.Flatten(name="flatten")(x)
    # the bottleneck: a normal image is described by a few numbers
    x = nn.dense_block(x, (int(latent), (h // 2) * (w // 2) * f1), name="bottleneck")
    x = layers.Reshape((h // 2, w // 2, f1), name="unflatten")(x)
    x = _upsample_class()(name="upsample")(x)
    x = layers.Conv2D(f0, 3, padding="same", activation="relu", name="deconv1")(x)
    out = layers.Conv2D(1, 3, padding="same", name="reconstruction")(x)
    return keras.Model(inputs, out, name=name)


@functools.cache
def _upsample_class() -> type:
    keras = nn.import_keras()

    class NearestUpsample2x(keras.layers.Layer):
        """Nearest-neighbour 2 × 2 upsampling of (batch, H, W, C) by broadcasting.

        The same numbers as ``keras.layers.UpSampling2D(2)``, whose TensorFlow gradient
        prints a oneDNN "DT_INT32" notice on CPUs without AVX-512.
        """

        def call(self, x: Any) -> Any:
            ops = keras.ops
            b, h, w, c = (ops.shape(x)[i] for i in range(4))
            wide = ops.broadcast_to(x[:, :, None, :, None, :], (b, h, 2, w, 2, c))
            return ops.reshape(wide, (b, 2 * h, 2 * w, c))

        def compute_output_shape(self, input_shape: tuple) -> tuple:
            b, h, w, c = input_shape
            return (b, None if h is None else 2 * h, None if w is None else 2 * w, c)

    return NearestUpsample2x


@functools.cache
def _sampling_class() -> type:
    keras = nn.import_keras()

    class Sampling(keras.layers.Layer):
        """z = μ + σ ε while training, z = μ otherwise (seeded ε)."""

        def __init__(self, seed: int = 0, **kwargs: Any) -> None:
            super().__init__(**kwargs)
            self.seed = int(seed)
            self.seed_generator = keras.random.SeedGenerator(self.seed)

        def call(self, inputs: Any, training: bool | None = None) -> Any:
            mu, logvar = inputs
            if training:
                eps = keras.random.normal(keras.ops.shape(mu), seed=self.seed_generator)
                return mu + keras.ops.exp(0.5 * logvar) * eps
            return mu

        def get_config(self) -> dict:
            return {**super().get_config(), "seed": self.seed}

    return Sampling


# --- the shared fit/score/save machinery ----------------------------------------------------------
class _KerasScorer(nn.Estimator):
    """Fit one Keras model with :func:`hepml_course.nn.train`; save its weights (rebuilt)."""

    _fitted_attributes: ClassVar[tuple[str, ...]] = ("model_", "input_shape_")
    #: ``check_array`` dimensions of the inputs.
    _ndim: ClassVar[int] = 2
    #: Loss of :func:`hepml_course.nn.train`.
    _loss: ClassVar[Any] = "mse"

    # subclasses: _build(input_shape) -> None (sets model_ ...), _features(X), _target(X, y)
    def _check_x(self, X: Any, *, fitting: bool) -> np.ndarray:
        name = f"{type(self).__name__}.{'fit' if fitting else 'score'} X"
        x = nn.check_array(X, name=name, ndim=self._ndim)
        if not fitting and tuple(x.shape[1:]) != tuple(self.input_shape_):
            raise ValueError(
                f"{name}: the model was fitted on inputs of shape (events, "
                f"{', '.join(map(str, self.input_shape_))}), got {x.shape}"
            )
        return x

    def _target(self, X: np.ndarray, y: Any) -> np.ndarray:
        return self._features(X)  # autoencoders reconstruct their inputs

    def _features(self, X: np.ndarray) -> np.ndarray:
        return X

    def fit(self, X: Any, y: Any = None, *, sample_weight: Any = None, seed: int = 0) -> Any:
        """Train on background (``X``: see the class docstring); returns ``self``.

        ``sample_weight`` (one weight per event) weights the loss; ``seed``
        seeds the initial weights, the validation split and the batch order.
        """
        x = self._check_x(X, fitting=True)
        n = nn.check_lengths(X=x, y=y, sample_weight=sample_weight)
        w = None if sample_weight is None else nn.check_sample_weight(sample_weight, n)
        target = self._target(x, y)
        self.input_shape_ = tuple(int(s) for s in x.shape[1:])
        nn.seed_everything(seed)
        self._build_quantized(self.input_shape_)
        result = nn.train(
            self.model_,
            self._features(x),
            target,
            loss=self._training_loss(),
            seed=seed,
            epochs=self.epochs,
            batch_size=self.batch_size,
            learning_rate=self.learning_rate,
            sample_weight=w,
            validation_fraction=self.validation_fraction,
            patience=self.patience,
        )
        self.history_ = result.history
        self.train_s_ = result.train_s
        self.seed_ = seed
        return self

    def _build_quantized(self, input_shape: tuple[int, ...]) -> None:
        """:meth:`_build` with the QKeras-API constructors of hgq2's layers in place.

        hgq2's ``qkeras`` module patches the HGQ2 layer classes only on its first
        import, and the FPGA chapter puts HGQ2's own constructors back after its
        QKeras-API blocks; :func:`hepml_course.fpga.qkeras_layers` makes the
        QKeras keywords (``kernel_quantizer`` ...) valid whatever ran before.
        """
        from hepml_course.fpga import qkeras_layers

        with qkeras_layers():
            self._build(input_shape)

    def _training_loss(self) -> Any:
        return self._loss

    def _predict(self, X: Any) -> tuple[np.ndarray, np.ndarray]:
        self._check_is_fitted()
        x = self._check_x(X, fitting=False)
        feats = self._features(x)
        return feats, nn.predict(self.model_, feats)

    def _save_state(self, writer: Any) -> dict[str, Any]:
        writer.keras_weights("model", self.model_)
        return {
            "input_shape": list(self.input_shape_),
            "history": self.history_,
            "train_s": self.train_s_,
            **self._extra_state(),
        }

    def _extra_state(self) -> dict[str, Any]:
        return {}

    def _load_state(self, reader: Any, state: dict[str, Any]) -> None:
        self.input_shape_ = tuple(state["input_shape"])
        self._build_quantized(self.input_shape_)
        reader.keras_weights("model", self.model_)
        self.history_ = state["history"]
        self.train_s_ = state["train_s"]


class DenseAutoencoder(_KerasScorer):
    """Quantized dense autoencoder on the 57 scaled L1 numbers; score = mean squared error.

    ``X``: (events, n_features) float, e.g. ``FeatureScaler().transform(l1_features(events))``.
    ``y`` is not used.  ``score(X)`` → (events,) mean squared reconstruction error.

    Parameters
    ----------
    hidden
        Widths of the hidden layers of the encoder (the decoder mirrors them).
    latent
        Size of the bottleneck.
    bits
        Bits of the quantized weights and activations.
    epochs, batch_size, learning_rate
        Training schedule (Adam).
    validation_fraction, patience
        Held-out share of the training events for early stopping (and learning-rate
        halving), and its patience; 0 (default): train on every event for ``epochs``
        epochs at a constant learning rate.

    Attributes
    ----------
    model_, encoder_ : keras.Model
        The autoencoder and its encoder (inputs → bottleneck).
    input_shape_ : tuple
        ``(n_features,)`` seen in ``fit``.
    history_, train_s_
        Per-epoch losses and training wall time (s).
    """

    _fitted_attributes: ClassVar[tuple[str, ...]] = ("model_", "encoder_", "input_shape_")

    def __init__(
        self,
        *,
        hidden: Sequence[int] = (32, 16),
        latent: int = 3,
        bits: int = 8,
        epochs: int = 15,
        batch_size: int = 256,
        learning_rate: float = 3e-3,
        validation_fraction: float = 0.0,
        patience: int = 5,
    ) -> None:
        self.hidden = tuple(hidden)
        self.latent = latent
        self.bits = bits
        self.epochs = epochs
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.validation_fraction = validation_fraction
        self.patience = patience

    def _build(self, input_shape: tuple[int, ...]) -> None:
        keras = nn.import_keras()
        (n_inputs,) = input_shape
        inputs = keras.Input((n_inputs,), name="l1_inputs")
        x = _qdense_block(_input_quantizer(inputs), self.hidden, self.bits, "enc")
        z = _qdense(x, self.latent, self.bits, "latent", relu=False)
        x = _qdense_block(z, tuple(reversed(self.hidden)), self.bits, "dec")
        out = _qdense(x, n_inputs, self.bits, "reconstruction", relu=False)
        self.model_ = keras.Model(inputs, out, name="dense_autoencoder")
        self.encoder_ = keras.Model(inputs, z, name="dense_encoder")

    def score(self, X: Any) -> np.ndarray:
        """Anomaly score: mean squared reconstruction error per event, shape (events,)."""
        x, reco = self._predict(X)
        return np.mean((reco - x) ** 2, axis=1)


class TriggerVAE(_KerasScorer):
    """AXOL1TL-like VAE: quantized encoder, float decoder, score Σ μ² (or the KL divergence).

    ``X``: (events, n_features) scaled L1 numbers; ``y`` is not used.  The loss is
    the summed squared reconstruction error + ``beta`` · KL(q(z|x) ‖ N(0, 1)).
    ``score(X)`` → Σ μ² per event, computed by :attr:`encoder_` alone (the model to
    deploy); ``score(X, kind="kl")`` → the KL divergence, which also uses log σ².

    Parameters
    ----------
    hidden
        Encoder widths (the decoder mirrors them).
    latent
        Latent dimension.
    beta
        Weight of the KL term relative to the summed squared reconstruction error
        (0.1: with 1 the KL term squeezes the latent means of most events to ≈ 0
        and Σ μ² loses the multi-lepton signals).
    bits
        Bits of the encoder's quantized weights and activations.
    epochs, batch_size, learning_rate, validation_fraction, patience
        Training schedule, as for :class:`DenseAutoencoder`, but by default 10 % of the
        events are held out: the learning rate is halved when their loss stops
        improving, which steadies the sampled (noisy) VAE loss — on the ``l1`` sample
        it raised the efficiency of the KL score for h⁰ → ττ at 10 kHz from ≈ 0.14 to
        ≈ 0.23 (seed 0).

    Attributes
    ----------
    model_ : keras.Model
        The training graph: inputs → [reconstruction, μ, log σ²] (concatenated).
    encoder_ : keras.Model
        Inputs → μ, quantized: what runs in the trigger.
    moments_ : keras.Model
        Inputs → (μ, log σ²).
    """

    _fitted_attributes: ClassVar[tuple[str, ...]] = (
        "model_",
        "encoder_",
        "moments_",
        "input_shape_",
    )
    #: The two scores of :meth:`score`.
    KINDS: ClassVar[tuple[str, ...]] = ("mu2", "kl")

    def __init__(
        self,
        *,
        hidden: Sequence[int] = (32, 16),
        latent: int = 3,
        beta: float = 0.1,
        bits: int = 8,
        epochs: int = 15,
        batch_size: int = 256,
        learning_rate: float = 3e-3,
        validation_fraction: float = 0.1,
        patience: int = 5,
    ) -> None:
        self.hidden = tuple(hidden)
        self.latent = latent
        self.beta = beta
        self.bits = bits
        self.epochs = epochs
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.validation_fraction = validation_fraction
        self.patience = patience

    def _build(self, input_shape: tuple[int, ...]) -> None:
        keras = nn.import_keras()
        (n_inputs,) = input_shape
        inputs = keras.Input((n_inputs,), name="l1_inputs")
        x = _qdense_block(_input_quantizer(inputs), self.hidden, self.bits, "enc")
        mu = _qdense(x, self.latent, self.bits, "z_mean", relu=False)
        logvar = _qdense(x, self.latent, self.bits, "z_logvar", relu=False)
        z = _sampling_class()(name="sampling")([mu, logvar])
        d = nn.dense_block(z, tuple(reversed(self.hidden)), name="dec")
        reco = keras.layers.Dense(n_inputs, name="reconstruction")(d)
        out = keras.layers.Concatenate(name="reco_mu_logvar")([reco, mu, logvar])
        self.model_ = keras.Model(inputs, out, name="trigger_vae")
        self.encoder_ = keras.Model(inputs, mu, name="axo_encoder")
        self.moments_ = keras.Model(inputs, [mu, logvar], name="latent_moments")

    def _training_loss(self) -> Any:
        ops = nn.import_keras().ops
        n, k, beta = int(self.input_shape_[0]), int(self.latent), float(self.beta)

        def vae_loss(y_true: Any, y_pred: Any) -> Any:
            reco, mu, logvar = y_pred[:, :n], y_pred[:, n : n + k], y_pred[:, n + k :]
            sse = ops.sum(ops.square(y_true - reco), axis=-1)
            kl = -0.5 * ops.sum(1.0 + logvar - ops.square(mu) - ops.exp(logvar), axis=-1)
            return sse + beta * kl

        return vae_loss

    def score(self, X: Any, *, kind: str = "mu2") -> np.ndarray:
        """Anomaly score per event, shape (events,).

        Parameters
        ----------
        X
            (events, n_features) scaled inputs.
        kind
            ``"mu2"``: the AXOL1TL score Σ μ² (encoder only); ``"kl"``: the KL
            divergence of q(z|x) from the unit Gaussian.
        """
        if kind not in self.KINDS:
            raise ValueError(f"kind must be one of {self.KINDS}, got {kind!r}")
        self._check_is_fitted()
        x = self._check_x(X, fitting=False)
        if kind == "mu2":
            return np.sum(nn.predict(self.encoder_, x) ** 2, axis=1)
        mu, logvar = (
            np.asarray(a, dtype=np.float64)
            for a in self.moments_.predict(x, batch_size=4096, verbose=0)
        )
        return -0.5 * np.sum(1.0 + logvar - mu**2 - np.exp(logvar), axis=1)


class ConvTeacher(_KerasScorer):
    """CICADA-like convolutional autoencoder on calorimeter-region images.

    ``X``: region ET images in GeV, shape (events, 18, 14) (any even H × W works);
    the model sees log(1 + ET / GeV) (:func:`~hepml_course.anomaly.features.scale_images`).
    ``y`` is not used.  ``score(X)`` → (events,) mean squared reconstruction error
    of the log image.

    Parameters
    ----------
    filters
        Filters of the two encoder convolutions.
    latent
        Size of the dense bottleneck.
    epochs, batch_size, learning_rate, validation_fraction, patience
        Training schedule, as for :class:`DenseAutoencoder`.
    """

    _ndim: ClassVar[int] = 3

    def __init__(
        self,
        *,
        filters: Sequence[int] = (8, 16),
        latent: int = 16,
        epochs: int = 8,
        batch_size: int = 256,
        learning_rate: float = 3e-3,
        validation_fraction: float = 0.0,
        patience: int = 5,
    ) -> None:
        self.filters = tuple(filters)
        self.latent = latent
        self.epochs = epochs
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.validation_fraction = validation_fraction
        self.patience = patience

    def _check_x(self, X: Any, *, fitting: bool) -> np.ndarray:
        x = super()._check_x(X, fitting=fitting)
        if x.shape[1] % 2 or x.shape[2] % 2:
            raise ValueError(f"images need an even number of rows and columns, got {x.shape}")
        return x

    def _features(self, X: np.ndarray) -> np.ndarray:
        return scale_images(X)

    def _build(self, input_shape: tuple[int, ...]) -> None:
        self.model_ = conv_autoencoder(input_shape, self.filters, self.latent, "cicada_teacher")

    def score(self, X: Any) -> np.ndarray:
        """Mean squared reconstruction error of log(1 + ET) per event, shape (events,)."""
        x, reco = self._predict(X)
        return np.mean((reco - x) ** 2, axis=(1, 2, 3))


class CicadaStudent(_KerasScorer):
    """Tiny quantized network regressing log(teacher score) from region ET (distillation).

    ``fit(X, y)``: ``X`` = region ET images in GeV, shape (events, 18, 14); ``y`` =
    the teacher's anomaly scores of the same events, shape (events,), e.g.
    ``ConvTeacher.score(X)``.  The network sees ET / ``et_scale_gev`` (a bit shift
    in hardware; :func:`~hepml_course.anomaly.features.student_inputs`).
    Architecture: input quantizer → QConv2D(``filters``, 2 × 2, stride 2) → ReLU →
    QDense(``hidden``) → ReLU → QDense(1).  The network outputs the standardised
    log(teacher score); ``score(X)`` undoes the standardisation (a monotonic map,
    so trigger thresholds can be set on the raw network output as well).

    Parameters
    ----------
    filters, hidden, bits
        Convolution filters, dense width, quantization bits.
    et_scale_gev
        ET unit of the network inputs, GeV.
    epochs, batch_size, learning_rate, validation_fraction, patience
        Training schedule, as for :class:`DenseAutoencoder`.

    Attributes
    ----------
    target_mean_, target_std_ : float
        Mean and standard deviation of log(teacher score) on the training events.
    """

    _fitted_attributes: ClassVar[tuple[str, ...]] = (
        "model_",
        "input_shape_",
        "target_mean_",
        "target_std_",
    )
    _ndim: ClassVar[int] = 3

    def __init__(
        self,
        *,
        filters: int = 4,
        hidden: int = 16,
        bits: int = 8,
        et_scale_gev: float = 32.0,
        epochs: int = 15,
        batch_size: int = 256,
        learning_rate: float = 3e-3,
        validation_fraction: float = 0.0,
        patience: int = 5,
    ) -> None:
        self.filters = filters
        self.hidden = hidden
        self.bits = bits
        self.et_scale_gev = et_scale_gev
        self.epochs = epochs
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.validation_fraction = validation_fraction
        self.patience = patience

    def _features(self, X: np.ndarray) -> np.ndarray:
        return student_inputs(X, self.et_scale_gev)

    def _target(self, X: np.ndarray, y: Any) -> np.ndarray:
        if y is None:
            raise ValueError(
                "CicadaStudent.fit needs the teacher's scores as y (one per event), "
                "e.g. ConvTeacher().fit(X).score(X)"
            )
        scores = np.asarray(y, dtype=np.float64)
        if scores.shape != (len(X),):
            raise ValueError(
                f"y must hold one teacher score per event, shape ({len(X)},), got {scores.shape}"
            )
        if not np.all(np.isfinite(scores)) or np.any(scores < 0):
            raise ValueError("teacher scores must be finite and non-negative")
        target = np.log(scores + 1e-6)
        # standardised target: O(1) numbers suit 8-bit fixed-point weights
        self.target_mean_ = float(target.mean())
        self.target_std_ = float(target.std() + 1e-6)
        return ((target - self.target_mean_) / self.target_std_).astype(np.float32)[:, None]

    def _build(self, input_shape: tuple[int, ...]) -> None:
        from qkeras.qlayers import QActivation, QConv2D

        keras = nn.import_keras()
        w, b, r = _quantizers(self.bits)
        inputs = keras.Input((*input_shape, 1), name="regions_et")
        x = QConv2D(
            int(self.filters),
            (2, 2),
            strides=(2, 2),
            kernel_quantizer=w,
            bias_quantizer=b,
            name="conv",
        )(_input_quantizer(inputs))
        x = QActivation(r, name="conv_relu")(x)
        x = keras.layers.Flatten(name="flatten")(x)
        x = _qdense(x, self.hidden, self.bits, "dense")
        out = _qdense(x, 1, self.bits, "score", relu=False)
        self.model_ = keras.Model(inputs, out, name="cicada_student")

    def _extra_state(self) -> dict[str, Any]:
        return {"target_mean": self.target_mean_, "target_std": self.target_std_}

    def _load_state(self, reader: Any, state: dict[str, Any]) -> None:
        super()._load_state(reader, state)
        self.target_mean_ = float(state["target_mean"])
        self.target_std_ = float(state["target_std"])

    def score(self, X: Any) -> np.ndarray:
        """Predicted log(teacher score) per event, shape (events,)."""
        _, raw = self._predict(X)
        return raw[:, 0] * self.target_std_ + self.target_mean_


__all__ = [
    "CicadaStudent",
    "ConvTeacher",
    "DenseAutoencoder",
    "TriggerVAE",
    "conv_autoencoder",
]
