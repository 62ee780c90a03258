"""The jet tagger of the FPGA chapter: float, quantization-aware (QKeras API) and pruned.

Architecture (the public hls4ml tutorial's): 16 features → 64 → 32 → 32 → 5
logits, ReLU activations.  The network outputs *logits* (no softmax layer): the
trigger only needs their arg-max, and logits are what hardware and emulation
are compared on, bit for bit.

With ``bits`` set, the layers come from hgq2's QKeras-API module: an explicit
input quantizer (the ``ap_fixed<16,6>`` input grid), ``QDense`` layers with
``bits``-wide weights and biases in [-1, 1), ``QActivation(quantized_relu(bits,
0))``.  Every number is then on a fixed-point grid that hls4ml reproduces exactly.

Careful: in hgq2's ``quantized_bits(bits, integer)`` *both numbers exclude the
sign bit* (original QKeras counts it in ``bits``): ``quantized_bits(5, 0)`` is
a 6-bit signed weight (step 2⁻⁵), ``quantized_bits(15, 5)`` is ``ap_fixed<16,6>``.
``quantized_relu`` (unsigned) means the same in both.
``sparsity`` prunes the smallest weights during training
(:mod:`hepml_course.fpga.pruning`).
"""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np

from hepml_course.fpga.network import predict_logits
from hepml_course.fpga.preprocess import InputScaler
from hepml_course.nn import Estimator, check_array, check_labels, check_lengths, check_sample_weight


def build_quantized(
    n_features: int, hidden: tuple[int, ...], n_classes: int, bits: int, name: str
) -> Any:
    """The QKeras-API network (hgq2's ``qkeras`` module), ``bits`` counting the sign bit."""
    from hepml_course.fpga.qkeras_api import qkeras_layers
    from hepml_course.nn import import_keras

    keras = import_keras()
    with qkeras_layers() as q:
        inp = keras.Input(shape=(n_features,), name="features")
        x = q.QActivation(q.quantized_bits(15, 5, alpha=1), name="input_quantizer")(inp)
        widths = [*hidden, n_classes]
        for i, width in enumerate(widths):
            last = i == len(widths) - 1
            x = q.QDense(
                int(width),
                kernel_quantizer=q.quantized_bits(bits - 1, 0, alpha=1),
                bias_quantizer=q.quantized_bits(bits - 1, 0, alpha=1),
                kernel_initializer="lecun_uniform",
                name="logits" if last else f"fc{i + 1}",
            )(x)
            if not last:
                x = q.QActivation(q.quantized_relu(bits, 0), name=f"relu{i + 1}")(x)
        return keras.Model(inp, x, name=name)


class JetTagger(Estimator):
    """The L1 jet tagger (16 → 64 → 32 → 32 → 5): float, or QKeras-API quantized, optionally pruned.

    Parameters
    ----------
    bits
        Bit width of weights, biases and activations (2–16); ``None``: float network.
    sparsity
        Target fraction of zero weights in every dense kernel, reached during
        training (0: no pruning).  Pruned networks train all ``epochs`` (early
        stopping would restore weights from before the target sparsity).
    hidden
        Widths of the hidden layers.
    epochs, batch_size, learning_rate
        Adam training schedule.
    validation_fraction, patience
        Held-out fraction and patience of early stopping (unpruned networks).

    Attributes
    ----------
    model_
        The Keras model (input: scaled features on the ``ap_fixed<16,6>`` grid;
        output: logits).  hls4ml and da4ml take it as it is.
    scaler_ : InputScaler
        Standardisation and fixed-point input grid, fitted on the training jets.
    history_, train_s_, seed_
        Training curves, wall time (s) and seed.
    """

    _fitted_attributes: ClassVar[tuple[str, ...]] = ("model_", "scaler_")

    def __init__(
        self,
        *,
        bits: int | None = None,
        sparsity: float = 0.0,
        hidden: tuple[int, ...] = (64, 32, 32),
        epochs: int = 20,
        batch_size: int = 256,
        learning_rate: float = 3e-3,
        validation_fraction: float = 0.1,
        patience: int = 5,
    ) -> None:
        self.bits = bits
        self.sparsity = sparsity
        self.hidden = hidden
        self.epochs = epochs
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.validation_fraction = validation_fraction
        self.patience = patience

    @property
    def name(self) -> str:
        """Short name: ``float``, ``q6``, ``q6_p75`` (75 % pruned) ..."""
        base = "float" if self.bits is None else f"q{self.bits}"
        return f"{base}_p{round(100 * self.sparsity)}" if self.sparsity > 0 else base

    def _check_params(self) -> None:
        if self.bits is not None and not 2 <= int(self.bits) <= 16:
            raise ValueError(f"bits must be between 2 and 16 (or None for float), got {self.bits}")
        if not 0.0 <= self.sparsity < 1.0:
            raise ValueError(f"sparsity must be in [0, 1), got {self.sparsity}")
        if len(self.hidden) < 1 or min(self.hidden) < 1:
            raise ValueError(f"hidden must list positive layer widths, got {self.hidden}")

    def _build(self, n_features: int, n_classes: int) -> Any:
        from hepml_course.nn import mlp

        if self.bits is None:
            return mlp(
                n_features, self.hidden, n_classes, name="tagger_float", output_name="logits"
            )
        return build_quantized(
            n_features, tuple(self.hidden), n_classes, int(self.bits), f"tagger_{self.name}"
        )

    def fit(
        self,
        X: Any,
        y: Any,
        *,
        sample_weight: Any = None,
        seed: int = 0,
        n_classes: int | None = None,
    ) -> JetTagger:
        """Train on raw (unscaled) features ``X`` (n_jets, n_features) and labels ``y`` (n_jets,).

        ``n_classes`` defaults to ``max(y) + 1``.  Returns ``self``.
        """
        from hepml_course.fpga.pruning import pruning_callback
        from hepml_course.nn import import_keras, seed_everything, train

        self._check_params()
        x = check_array(X, name="X", dtype=np.float64)
        n = check_lengths(X=x, y=y, sample_weight=sample_weight)
        labels = check_labels(y, n, n_classes=n_classes)
        weights = None if sample_weight is None else check_sample_weight(sample_weight, n)
        n_classes = int(n_classes or labels.max() + 1)
        scaler = InputScaler.fit(x)
        seed_everything(seed)
        model = self._build(x.shape[1], n_classes)
        callbacks = []
        validation = self.validation_fraction
        if self.sparsity > 0:
            steps = int(np.ceil(n * (1 - validation) / self.batch_size)) * self.epochs
            callbacks.append(pruning_callback(self.sparsity, max(1, int(0.6 * steps))))
        keras = import_keras()
        result = train(
            model,
            scaler.transform(x),
            labels,
            loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
            seed=seed,
            epochs=self.epochs,
            batch_size=self.batch_size,
            learning_rate=self.learning_rate,
            sample_weight=weights,
            validation_fraction=0.0 if self.sparsity > 0 else validation,
            patience=self.patience,
            metrics=["accuracy"],
            callbacks=callbacks,
        )
        self.model_, self.scaler_ = model, scaler
        self.history_, self.train_s_, self.seed_ = result.history, result.train_s, seed
        return self

    def predict(self, X: Any) -> np.ndarray:
        """Logits (n_jets, n_classes) for raw features ``X``; the class is their arg-max."""
        self._check_is_fitted()
        return predict_logits(self.model_, self.scaler_.transform(X))

    def _save_state(self, writer: Any) -> dict:
        writer.keras_model("model", self.model_)
        return {"scaler": self.scaler_.to_dict(), "history": self.history_}

    def _load_state(self, reader: Any, state: dict) -> None:
        from hepml_course.fpga.qkeras_api import hgq_loading

        with hgq_loading():
            self.model_ = reader.keras_model("model")
        self.scaler_ = InputScaler.from_dict(state["scaler"])
        self.history_ = state.get("history", {})


def accuracy(tagger: JetTagger, X: Any, y: Any) -> float:
    """Fraction of jets whose highest logit is the true class (raw features ``X``)."""
    logits = tagger.predict(X)
    return float(np.mean(logits.argmax(1) == check_labels(y, len(logits))))
