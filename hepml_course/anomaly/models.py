"""Anomaly-detection trigger models (Keras 2 / QKeras, small enough for an FPGA).

* :class:`DenseAutoencoder` — 57 → 32 → 16 → 3 → 16 → 32 → 57, quantized
  (QKeras) throughout; the anomaly score is the reconstruction error.
* :class:`TriggerVAE` — AXOL1TL-like variational autoencoder: quantized encoder
  57 → 32 → 16 → (μ, log σ²) of a 3-d latent space, float decoder used only in
  training.  The trigger score is Σ μ² (only the encoder runs in hardware); the
  KL term is also available.
* :class:`ConvTeacher` — CICADA-like convolutional autoencoder on the 18 × 14
  calorimeter-region image (float, offline); score = reconstruction error.
* :class:`CicadaStudent` — a tiny quantized network trained to reproduce
  log(teacher score) from the raw region ET: knowledge distillation into
  something that fits the hardware latency.

Every class follows the scikit-learn habit: construct with hyper-parameters,
``fit``, ``score``; the Keras models are attributes.  Inputs are the scaled
arrays of :mod:`hepml_course.anomaly.features`.
"""

from __future__ import annotations

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

from dataclasses import dataclass, field
from typing import Any

import numpy as np


def _keras() -> tuple[Any, Any]:
    import tensorflow as tf

    return tf, tf.keras


def _quantizers(bits: int) -> tuple[Any, Any, Any]:
    """Weight, bias and ReLU quantizers of ``bits`` bits (QKeras)."""
    from qkeras import quantized_bits, quantized_relu

    weight = quantized_bits(bits, 0, alpha=1)
    bias = quantized_bits(bits, 0, alpha=1)
    relu = quantized_relu(bits, 3)
    return weight, bias, relu


def _qdense(x: Any, units: int, bits: int, name: str, relu: bool = True) -> Any:
    from qkeras import QActivation, QDense

    w, b, r = _quantizers(bits)
    x = QDense(units, kernel_quantizer=w, bias_quantizer=b, name=name)(x)
    return QActivation(r, name=f"{name}_relu")(x) if relu else x


def _check_inputs(x: np.ndarray, shape: tuple[int, ...], what: str) -> np.ndarray:
    x = np.asarray(x, dtype=np.float32)
    if x.shape[1:] != shape:
        raise ValueError(
            f"{what}: expected inputs of shape (events, {', '.join(map(str, shape))}), "
            f"got {x.shape}; see hepml_course.anomaly.features"
        )
    if not np.all(np.isfinite(x)):
        raise ValueError(f"{what}: inputs contain NaN or infinite values")
    return x


def _set_seed(seed: int) -> None:
    _tf, keras = _keras()
    keras.utils.set_random_seed(seed)


def _fit(model: Any, x: np.ndarray, y: Any, epochs: int, batch_size: int, lr: float) -> Any:
    _tf, keras = _keras()
    model.compile(optimizer=keras.optimizers.Adam(lr), loss="mse" if y is not None else None)
    return model.fit(x, y, epochs=epochs, batch_size=batch_size, verbose=0, shuffle=True).history


@dataclass
class DenseAutoencoder:
    """Quantized dense autoencoder on the 57 L1 numbers; score = mean squared error.

    Parameters
    ----------
    hidden
        Widths of the hidden layers of the encoder (the decoder mirrors them).
    latent
        Size of the bottleneck.
    bits
        Bits of the QKeras weights and activations.
    learning_rate
        Adam learning rate.
    seed
        Seed of NumPy and TensorFlow.
    """

    hidden: tuple[int, ...] = (32, 16)
    latent: int = 3
    bits: int = 8
    learning_rate: float = 3e-3
    seed: int = 0
    n_inputs: int = 57
    model: Any = field(default=None, init=False, repr=False)
    encoder: Any = field(default=None, init=False, repr=False)

    def build(self) -> Any:
        """Create the (untrained) Keras model."""
        _set_seed(self.seed)
        _, keras = _keras()
        inputs = keras.Input((self.n_inputs,), name="l1_inputs")
        x = inputs
        for i, units in enumerate(self.hidden):
            x = _qdense(x, units, self.bits, f"enc{i}")
        z = _qdense(x, self.latent, self.bits, "latent", relu=False)
        x = z
        for i, units in enumerate(reversed(self.hidden)):
            x = _qdense(x, units, self.bits, f"dec{i}")
        out = _qdense(x, self.n_inputs, self.bits, "reconstruction", relu=False)
        self.model = keras.Model(inputs, out, name="dense_autoencoder")
        self.encoder = keras.Model(inputs, z, name="dense_encoder")
        return self.model

    def fit(self, x: np.ndarray, epochs: int = 20, batch_size: int = 256) -> dict:
        """Train on background (scaled features, shape (events, 57)); returns the loss history."""
        x = _check_inputs(x, (self.n_inputs,), "DenseAutoencoder.fit")
        self.build()
        return _fit(self.model, x, x, epochs, batch_size, self.learning_rate)

    def score(self, x: np.ndarray) -> np.ndarray:
        """Anomaly score: mean squared reconstruction error per event."""
        if self.model is None:
            raise RuntimeError("call fit() before score()")
        x = _check_inputs(x, (self.n_inputs,), "DenseAutoencoder.score")
        reco = self.model.predict(x, batch_size=4096, verbose=0)
        return np.mean((reco - x) ** 2, axis=1)


def _sampling_layer(beta: float) -> Any:
    tf, keras = _keras()

    class Sampling(keras.layers.Layer):
        """z = μ + σ ε in training (adds β · KL to the loss), z = μ otherwise."""

        def call(self, inputs, training=None):
            mu, logvar = inputs
            kl = -0.5 * tf.reduce_sum(1.0 + logvar - tf.square(mu) - tf.exp(logvar), axis=1)
            self.add_loss(beta * tf.reduce_mean(kl))
            if training:
                return mu + tf.exp(0.5 * logvar) * tf.random.normal(tf.shape(mu))
            return mu

    return Sampling(name="sampling")


@dataclass
class TriggerVAE:
    """AXOL1TL-like VAE: quantized encoder, float decoder, score Σ μ².

    Parameters
    ----------
    hidden
        Encoder widths (decoder mirrors them).
    latent
        Latent dimension.
    beta
        Weight of the KL term relative to the summed squared reconstruction error
        (0.1: with 1 the KL term squeezes the latent means of most events to ≈ 0
        and Σ μ² loses the multi-lepton signals).
    bits
        Bits of the encoder's QKeras weights and activations.
    learning_rate, seed
        Adam learning rate and seed.
    """

    hidden: tuple[int, ...] = (32, 16)
    latent: int = 3
    beta: float = 0.1
    bits: int = 8
    learning_rate: float = 3e-3
    seed: int = 0
    n_inputs: int = 57
    model: Any = field(default=None, init=False, repr=False)
    encoder: Any = field(default=None, init=False, repr=False)
    _moments: Any = field(default=None, init=False, repr=False)

    def build(self) -> Any:
        """Create the VAE; :attr:`encoder` maps inputs → μ (the model to deploy)."""
        _set_seed(self.seed)
        _tf, keras = _keras()
        inputs = keras.Input((self.n_inputs,), name="l1_inputs")
        x = inputs
        for i, units in enumerate(self.hidden):
            x = _qdense(x, units, self.bits, f"enc{i}")
        mu = _qdense(x, self.latent, self.bits, "z_mean", relu=False)
        logvar = _qdense(x, self.latent, self.bits, "z_logvar", relu=False)
        z = _sampling_layer(self.beta)([mu, logvar])
        d = z
        for i, units in enumerate(reversed(self.hidden)):
            d = keras.layers.Dense(units, activation="relu", name=f"dec{i}")(d)
        out = keras.layers.Dense(self.n_inputs, name="reconstruction")(d)
        self.model = keras.Model(inputs, out, name="trigger_vae")
        self.encoder = keras.Model(inputs, mu, name="axo_encoder")
        self._moments = keras.Model(inputs, [mu, logvar], name="latent_moments")
        return self.model

    def fit(self, x: np.ndarray, epochs: int = 20, batch_size: int = 256) -> dict:
        """Train on background (scaled features, shape (events, 57)); returns the loss history."""
        x = _check_inputs(x, (self.n_inputs,), "TriggerVAE.fit")
        self.build()
        tf, keras = _keras()
        n = float(self.n_inputs)

        def summed_se(y_true, y_pred):
            return n * tf.reduce_mean(tf.square(y_true - y_pred), axis=-1)

        self.model.compile(optimizer=keras.optimizers.Adam(self.learning_rate), loss=summed_se)
        history = self.model.fit(
            x, x, epochs=epochs, batch_size=batch_size, verbose=0, shuffle=True
        )
        return history.history

    def latent_mean(self, x: np.ndarray) -> np.ndarray:
        """μ of each event, shape (events, latent)."""
        if self.encoder is None:
            raise RuntimeError("call fit() before using the encoder")
        x = _check_inputs(x, (self.n_inputs,), "TriggerVAE")
        return self.encoder.predict(x, batch_size=4096, verbose=0)

    def score(self, x: np.ndarray) -> np.ndarray:
        """AXOL1TL score Σ μ² (only the encoder is needed)."""
        return np.sum(self.latent_mean(x) ** 2, axis=1)

    def kl_score(self, x: np.ndarray) -> np.ndarray:
        """KL divergence of q(z|x) from the unit Gaussian, per event."""
        x = _check_inputs(x, (self.n_inputs,), "TriggerVAE.kl_score")
        mu, logvar = self._moments.predict(x, batch_size=4096, verbose=0)
        return -0.5 * np.sum(1.0 + logvar - mu**2 - np.exp(logvar), axis=1)


@dataclass
class ConvTeacher:
    """CICADA-like convolutional autoencoder on log(1 + ET) region images (18 × 14 × 1).

    Parameters
    ----------
    filters
        Filters of the two encoder convolutions.
    latent
        Size of the dense bottleneck.
    learning_rate, seed
        Adam learning rate and seed.
    """

    filters: tuple[int, int] = (8, 16)
    latent: int = 16
    learning_rate: float = 3e-3
    seed: int = 0
    model: Any = field(default=None, init=False, repr=False)

    def build(self) -> Any:
        """Create the (untrained) Keras model."""
        _set_seed(self.seed)
        _, keras = _keras()
        layers = keras.layers
        inputs = keras.Input((18, 14, 1), name="regions")
        x = layers.Conv2D(self.filters[0], 3, padding="same", activation="relu")(inputs)
        x = layers.AveragePooling2D(2)(x)  # 9 × 7
        x = layers.Conv2D(self.filters[1], 3, padding="same", activation="relu")(x)
        x = layers.Flatten()(x)
        x = layers.Dense(self.latent, activation="relu", name="latent")(x)
        x = layers.Dense(9 * 7 * self.filters[1], activation="relu")(x)
        x = layers.Reshape((9, 7, self.filters[1]))(x)
        x = layers.UpSampling2D(2)(x)  # 18 × 14
        x = layers.Conv2D(self.filters[0], 3, padding="same", activation="relu")(x)
        out = layers.Conv2D(1, 3, padding="same", name="reconstruction")(x)
        self.model = keras.Model(inputs, out, name="cicada_teacher")
        return self.model

    def fit(self, images: np.ndarray, epochs: int = 10, batch_size: int = 256) -> dict:
        """Train on background images (``scale_images`` output); returns the loss history."""
        images = _check_inputs(images, (18, 14, 1), "ConvTeacher.fit")
        self.build()
        return _fit(self.model, images, images, epochs, batch_size, self.learning_rate)

    def score(self, images: np.ndarray) -> np.ndarray:
        """Mean squared reconstruction error per event."""
        if self.model is None:
            raise RuntimeError("call fit() before score()")
        images = _check_inputs(images, (18, 14, 1), "ConvTeacher.score")
        reco = self.model.predict(images, batch_size=4096, verbose=0)
        return np.mean((reco - images) ** 2, axis=(1, 2, 3))


@dataclass
class CicadaStudent:
    """Tiny quantized network regressing log(teacher score) from region ET.

    Input: region ET in GeV divided by ``et_scale_gev`` (a bit shift in hardware),
    shape (events, 18, 14, 1).  Architecture: QConv2D(4, 2×2, stride 2) → ReLU →
    QDense(16) → ReLU → QDense(1).  The network's output is the standardised
    log(teacher score) (:attr:`target_mean`, :attr:`target_std` undo it; a
    monotonic map, so trigger thresholds can be set on the raw output).

    Parameters
    ----------
    filters, hidden, bits
        Convolution filters, dense width, QKeras bits.
    et_scale_gev
        ET unit of the inputs, GeV.
    learning_rate, seed
        Adam learning rate and seed.
    """

    filters: int = 4
    hidden: int = 16
    bits: int = 8
    et_scale_gev: float = 32.0
    learning_rate: float = 3e-3
    seed: int = 0
    model: Any = field(default=None, init=False, repr=False)
    target_mean: float = field(default=0.0, init=False)
    target_std: float = field(default=1.0, init=False)

    def build(self) -> Any:
        """Create the (untrained) Keras/QKeras model."""
        from qkeras import QActivation, QConv2D

        _set_seed(self.seed)
        _, keras = _keras()
        w, b, r = _quantizers(self.bits)
        inputs = keras.Input((18, 14, 1), name="regions_et")
        x = QConv2D(
            self.filters,
            (2, 2),
            strides=(2, 2),
            kernel_quantizer=w,
            bias_quantizer=b,
            name="conv",
        )(inputs)
        x = QActivation(r, name="conv_relu")(x)
        x = keras.layers.Flatten()(x)
        x = _qdense(x, self.hidden, self.bits, "dense")
        out = _qdense(x, 1, self.bits, "score", relu=False)
        self.model = keras.Model(inputs, out, name="cicada_student")
        return self.model

    def inputs(self, images_gev: np.ndarray) -> np.ndarray:
        """Student inputs from region images in GeV, shape (events, 18, 14) → (…, 1)."""
        images_gev = np.asarray(images_gev, dtype=np.float32)
        if images_gev.ndim != 3 or images_gev.shape[1:] != (18, 14):
            raise ValueError(f"expected images of shape (events, 18, 14), got {images_gev.shape}")
        return (images_gev / self.et_scale_gev)[..., None]

    def fit(
        self,
        images_gev: np.ndarray,
        teacher_scores: np.ndarray,
        epochs: int = 15,
        batch_size: int = 256,
    ) -> dict:
        """Distil: regress log(teacher score) from the raw images (GeV)."""
        x = self.inputs(images_gev)
        target = np.log(np.asarray(teacher_scores, dtype=np.float32) + 1e-6)[:, None]
        if len(target) != len(x):
            raise ValueError(f"{len(x)} images but {len(target)} teacher scores")
        # standardised target: O(1) numbers suit 8-bit fixed-point weights
        self.target_mean, self.target_std = float(target.mean()), float(target.std() + 1e-6)
        target = (target - self.target_mean) / self.target_std
        self.build()
        return _fit(self.model, x, target, epochs, batch_size, self.learning_rate)

    def score(self, images_gev: np.ndarray) -> np.ndarray:
        """Predicted log(teacher score) per event (the network outputs it standardised)."""
        if self.model is None:
            raise RuntimeError("call fit() before score()")
        raw = self.model.predict(self.inputs(images_gev), batch_size=4096, verbose=0)[:, 0]
        return raw * self.target_std + self.target_mean
