"""The jet tagger of the FPGA chapter: float, quantization-aware (QKeras) and pruned.

Architecture (the public hls4ml tutorial's): 16 features → 64 → 32 → 32 → 5 classes,
ReLU activations, softmax output.  Layers have fixed names (``fc1``, ``relu1`` ...
``logits``, ``softmax``) so that conversion, tracing and reports can refer to them.

The quantized version uses QKeras ``QDense`` layers with ``quantized_bits(bits, 0,
alpha=1)`` weights and biases and ``quantized_relu(bits, 0)`` activations: every
number the network produces is on a fixed-point grid the FPGA reproduces exactly.
Magnitude pruning (tensorflow-model-optimization) zeroes the smallest weights
during training, so that the hardware needs no multiplier for them.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from hepml_course.fpga.preprocess import InputScaler

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

LAYER_NAMES = ("fc1", "relu1", "fc2", "relu2", "fc3", "relu3", "logits", "softmax")


@dataclass(frozen=True)
class TaggerSpec:
    """Hyper-parameters of a jet tagger.

    Attributes
    ----------
    bits
        Bit width of weights, biases and activations; ``None`` for the float model.
    hidden
        Widths of the hidden layers.
    n_features, n_classes
        Input and output sizes.
    """

    bits: int | None = None
    hidden: tuple[int, ...] = (64, 32, 32)
    n_features: int = 16
    n_classes: int = 5

    def __post_init__(self) -> None:
        if self.bits is not None and not 2 <= self.bits <= 16:
            raise ValueError(f"bits must be between 2 and 16 (or None for float), got {self.bits}")
        if len(self.hidden) != 3:
            raise ValueError(f"the tagger has three hidden layers, got hidden={self.hidden}")

    @property
    def name(self) -> str:
        """Short name, e.g. ``float`` or ``q6``."""
        return "float" if self.bits is None else f"q{self.bits}"


@dataclass
class TrainedTagger:
    """A trained tagger with what is needed to deploy and evaluate it.

    Attributes
    ----------
    model
        The Keras model (pruning wrappers removed).
    spec
        Its architecture.
    scaler
        The input standardisation and fixed-point grid.
    target_sparsity
        Pruning target (fraction of zero weights) used in training.
    history
        Training loss / accuracy per epoch.
    """

    model: Any
    spec: TaggerSpec
    scaler: InputScaler
    target_sparsity: float = 0.0
    history: dict[str, list[float]] = field(default_factory=dict)

    @property
    def name(self) -> str:
        """E.g. ``q6`` or ``q6_p75`` (75 % pruned)."""
        if self.target_sparsity > 0:
            return f"{self.spec.name}_p{round(100 * self.target_sparsity)}"
        return self.spec.name


def build_tagger(spec: TaggerSpec) -> Any:
    """The Keras model for ``spec`` (untrained), with output ``softmax`` after ``logits``."""
    import tensorflow as tf

    inputs = tf.keras.Input(shape=(spec.n_features,), name="features")
    x = inputs
    widths = [*spec.hidden, spec.n_classes]
    names = ["fc1", "fc2", "fc3", "logits"]
    for i, (width, name) in enumerate(zip(widths, names, strict=True)):
        x = _dense(spec, width, name)(x)
        if name != "logits":
            x = _relu(spec, f"relu{i + 1}")(x)
    x = tf.keras.layers.Activation("softmax", name="softmax")(x)
    return tf.keras.Model(inputs, x, name=f"tagger_{spec.name}")


def _dense(spec: TaggerSpec, width: int, name: str) -> Any:
    import tensorflow as tf

    if spec.bits is None:
        return tf.keras.layers.Dense(width, name=name, kernel_initializer="lecun_uniform")
    from qkeras import QDense, quantized_bits

    return QDense(
        width,
        name=name,
        kernel_quantizer=quantized_bits(spec.bits, 0, alpha=1),
        bias_quantizer=quantized_bits(spec.bits, 0, alpha=1),
        kernel_initializer="lecun_uniform",
    )


def _relu(spec: TaggerSpec, name: str) -> Any:
    import tensorflow as tf

    if spec.bits is None:
        return tf.keras.layers.Activation("relu", name=name)
    from qkeras import QActivation, quantized_relu

    return QActivation(quantized_relu(spec.bits, 0), name=name)


def train_tagger(
    spec: TaggerSpec,
    x_train: np.ndarray,
    y_train: np.ndarray,
    *,
    scaler: InputScaler | None = None,
    sparsity: float = 0.0,
    epochs: int = 15,
    batch_size: int = 512,
    learning_rate: float = 3e-3,
    seed: int = 0,
    verbose: int = 0,
) -> TrainedTagger:
    """Train a tagger (quantization-aware when ``spec.bits`` is set), optionally pruned.

    Parameters
    ----------
    spec
        Architecture and bit width.
    x_train
        Raw (unscaled) features, shape (n_jets, n_features).
    y_train
        Integer class labels, shape (n_jets,).
    scaler
        Input scaler; fitted on ``x_train`` when omitted.
    sparsity
        Target fraction of zero weights in every dense layer (0 = no pruning).  The
        sparsity ramps up polynomially over the first 60 % of the steps.
    epochs, batch_size, learning_rate
        Adam training settings.
    seed
        Seeds numpy, Python and TensorFlow: same seed, same model.
    verbose
        Keras verbosity.

    Returns
    -------
    TrainedTagger
    """
    import tensorflow as tf

    if not 0.0 <= sparsity < 1.0:
        raise ValueError(f"sparsity must be in [0, 1), got {sparsity}")
    y_train = _check_labels(y_train, len(x_train), spec.n_classes)
    scaler = scaler or InputScaler.fit(x_train)
    x = scaler.transform(x_train)
    if x.shape[1] != spec.n_features:
        raise ValueError(f"spec expects {spec.n_features} features, data has {x.shape[1]}")

    tf.keras.utils.set_random_seed(seed)
    model = build_tagger(spec)
    callbacks = []
    steps = int(np.ceil(len(x) / batch_size)) * epochs
    if sparsity > 0:
        import tensorflow_model_optimization as tfmot

        schedule = tfmot.sparsity.keras.PolynomialDecay(
            initial_sparsity=0.0,
            final_sparsity=sparsity,
            begin_step=0,
            end_step=max(1, int(0.6 * steps)),
            frequency=max(1, steps // (4 * epochs)),
        )

        def wrap(layer: Any) -> Any:
            if layer.name in ("fc1", "fc2", "fc3", "logits"):
                return tfmot.sparsity.keras.prune_low_magnitude(layer, pruning_schedule=schedule)
            return layer.__class__.from_config(layer.get_config())

        model = tf.keras.models.clone_model(model, clone_function=wrap)
        callbacks.append(tfmot.sparsity.keras.UpdatePruningStep())

    model.compile(
        optimizer=tf.keras.optimizers.Adam(learning_rate),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    fit = model.fit(
        x,
        y_train,
        epochs=epochs,
        batch_size=batch_size,
        shuffle=True,
        callbacks=callbacks,
        verbose=verbose,
    )
    if sparsity > 0:
        import tensorflow_model_optimization as tfmot

        stripped = tfmot.sparsity.keras.strip_pruning(model)
        # a stripped model cannot be cut into sub-models (Graph disconnected):
        # rebuild the plain architecture and copy the weights over
        model = build_tagger(spec)
        model.set_weights(stripped.get_weights())
    history = {k: [float(v) for v in vals] for k, vals in fit.history.items()}
    return TrainedTagger(model, spec, scaler, sparsity, history)


def predict_logits(model: Any, x: np.ndarray, batch_size: int = 4096) -> np.ndarray:
    """Outputs of the ``logits`` layer (before softmax) for scaled inputs ``x``."""
    import tensorflow as tf

    sub = tf.keras.Model(model.inputs, model.get_layer("logits").output)
    return sub.predict(np.asarray(x, dtype=np.float32), batch_size=batch_size, verbose=0)


def accuracy(model: Any, x: np.ndarray, y: np.ndarray) -> float:
    """Fraction of jets whose highest-score class is the true one (scaled inputs ``x``)."""
    y = _check_labels(y, len(x), None)
    return float(np.mean(np.argmax(predict_logits(model, x), axis=1) == y))


def weight_sparsity(model: Any) -> float:
    """Fraction of exactly-zero kernel weights over all dense layers (after quantization)."""
    zeros = total = 0
    for layer in model.layers:
        if not hasattr(layer, "kernel"):
            continue
        kernel = quantized_kernel(layer)
        zeros += int(np.sum(kernel == 0))
        total += kernel.size
    return zeros / total if total else 0.0


def quantized_kernel(layer: Any) -> np.ndarray:
    """The kernel as the layer uses it (through its QKeras quantizer if it has one)."""
    quantizer = getattr(layer, "kernel_quantizer_internal", None)
    kernel = layer.kernel
    return np.asarray(quantizer(kernel) if quantizer is not None else kernel, dtype=np.float64)


def quantized_bias(layer: Any) -> np.ndarray:
    """The bias as the layer uses it (through its QKeras quantizer if it has one)."""
    quantizer = getattr(layer, "bias_quantizer_internal", None)
    bias = layer.bias
    return np.asarray(quantizer(bias) if quantizer is not None else bias, dtype=np.float64)


def save_tagger(tagger: TrainedTagger, path: str | Path) -> Path:
    """Save the model (Keras HDF5) and a sidecar ``PATH.json`` (scaler, spec, sparsity)."""
    path = Path(path)
    if path.suffix != ".h5":
        raise ValueError(f"save the tagger as a .h5 file, got {path.name!r}")
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp.h5")
    tagger.model.save(tmp)
    tmp.replace(path)
    sidecar = {
        "spec": {**asdict(tagger.spec), "hidden": list(tagger.spec.hidden)},
        "target_sparsity": tagger.target_sparsity,
        "name": tagger.name,
    }
    tagger.scaler.save(sidecar_path(path).with_suffix(".scaler.json"))
    sidecar_path(path).write_text(json.dumps(sidecar, indent=1))
    return path


def sidecar_path(path: str | Path) -> Path:
    """``model.h5`` → ``model.h5.json``."""
    path = Path(path)
    return path.with_name(path.name + ".json")


def load_model(path: str | Path) -> Any:
    """Load a Keras/QKeras model file (``.h5`` or SavedModel folder)."""
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(
            f"no model at {path}: train and save one first, e.g. with "
            "hepml_course.fpga.models.save_tagger"
        )
    import tensorflow as tf
    from qkeras.utils import _add_supported_quantized_objects

    custom: dict[str, Any] = {}
    _add_supported_quantized_objects(custom)
    return tf.keras.models.load_model(path, custom_objects=custom, compile=False)


def load_tagger(path: str | Path) -> TrainedTagger:
    """Load a tagger saved by :func:`save_tagger` (needs the sidecar files)."""
    path = Path(path)
    model = load_model(path)
    meta_path = sidecar_path(path)
    if not meta_path.exists():
        raise FileNotFoundError(f"{meta_path} is missing: save the tagger with save_tagger()")
    meta = json.loads(meta_path.read_text())
    spec_args = dict(meta["spec"])
    spec_args["hidden"] = tuple(spec_args["hidden"])
    scaler = InputScaler.load(meta_path.with_suffix(".scaler.json"))
    return TrainedTagger(model, TaggerSpec(**spec_args), scaler, meta["target_sparsity"])


def _check_labels(y: np.ndarray, n: int, n_classes: int | None) -> np.ndarray:
    y = np.asarray(y)
    if y.ndim != 1 or len(y) != n:
        raise ValueError(f"labels must be integer classes of shape ({n},), got shape {y.shape}")
    if n_classes is not None and (y.min() < 0 or y.max() >= n_classes):
        raise ValueError(f"labels must be in 0..{n_classes - 1}, got {y.min()}..{y.max()}")
    return y.astype(np.int64)


def dense_weights(model: Any) -> list[tuple[np.ndarray, np.ndarray]]:
    """(kernel, bias) of every dense layer, as the layers use them (quantized for QKeras)."""
    return [
        (quantized_kernel(layer), quantized_bias(layer))
        for layer in model.layers
        if hasattr(layer, "kernel")
    ]


def _fixed_round(values: np.ndarray, bits: int, max_abs: float) -> np.ndarray:
    """Round to a signed ``bits``-wide fixed-point type with enough integer bits for max_abs."""
    integer = max(0, int(np.ceil(np.log2(max_abs + 1e-12)))) if max_abs > 0 else 0
    lsb = 2.0 ** (integer - (bits - 1))
    top = 2.0**integer - lsb
    return np.clip(np.round(values / lsb) * lsb, -(2.0**integer), top)


def numpy_logits(
    weights: list[tuple[np.ndarray, np.ndarray]],
    x: np.ndarray,
    bits: int | None = None,
    activation_ranges: list[float] | None = None,
) -> np.ndarray:
    """Forward pass of a ReLU MLP in numpy, optionally in post-training fixed point.

    Parameters
    ----------
    weights
        (kernel, bias) per dense layer (:func:`dense_weights`).
    x
        Scaled inputs.
    bits
        ``None``: float.  Otherwise every weight, bias and activation is rounded to
        ``bits``-wide fixed point, with integer bits chosen from the largest value
        (weights) or from ``activation_ranges`` (one per hidden layer, from profiling).
    activation_ranges
        Largest activation of each hidden layer on representative data.
    """
    h = np.asarray(x, dtype=np.float64)
    for i, (kernel, bias) in enumerate(weights):
        if bits is not None:
            kernel = _fixed_round(kernel, bits, float(np.max(np.abs(kernel))))
            bias = _fixed_round(bias, bits, float(np.max(np.abs(bias))))
        h = h @ kernel + bias
        if i < len(weights) - 1:
            h = np.maximum(h, 0.0)
            if bits is not None:
                if activation_ranges is None:
                    raise ValueError("fixed-point activations need activation_ranges")
                h = _fixed_round(h, bits, activation_ranges[i])
    return h


def activation_ranges(weights: list[tuple[np.ndarray, np.ndarray]], x: np.ndarray) -> list[float]:
    """Largest output of each hidden layer on ``x`` (profiling for post-training quantization)."""
    ranges = []
    h = np.asarray(x, dtype=np.float64)
    for kernel, bias in weights[:-1]:
        h = np.maximum(h @ kernel + bias, 0.0)
        ranges.append(float(h.max()))
    return ranges


def post_training_accuracy(model: Any, x: np.ndarray, y: np.ndarray, bits: int) -> float:
    """Accuracy of a float model rounded to ``bits``-wide fixed point after training (PTQ)."""
    weights = dense_weights(model)
    ranges = activation_ranges(weights, x[:5000])
    logits = numpy_logits(weights, x, bits=bits, activation_ranges=ranges)
    return float(np.mean(logits.argmax(1) == np.asarray(y)))


def magnitude_pruned(
    weights: list[tuple[np.ndarray, np.ndarray]], sparsity: float
) -> list[tuple[np.ndarray, np.ndarray]]:
    """Zero the smallest ``sparsity`` fraction of each kernel (one-shot, no retraining)."""
    if not 0.0 <= sparsity < 1.0:
        raise ValueError(f"sparsity must be in [0, 1), got {sparsity}")
    pruned = []
    for kernel, bias in weights:
        cut = np.quantile(np.abs(kernel), sparsity) if sparsity > 0 else -1.0
        pruned.append((np.where(np.abs(kernel) <= cut, 0.0, kernel), bias))
    return pruned
