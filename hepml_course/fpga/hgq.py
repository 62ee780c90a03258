"""Native HGQ2 jet tagger: per-weight bit widths learned with an EBOPs resource penalty.

HGQ2 ("high-granularity quantization") gives every weight and every activation its
own fixed-point bit width and trains those widths by gradient descent together with
the weights.  The loss adds ``β × EBOPs``: *effective bit operations*, a
differentiable estimate of the FPGA logic (for a product ``w·x`` roughly
``bits(w) × bits(x)``; da4ml's LUT count follows it).  A larger ``β`` buys a
smaller circuit with some accuracy; scanning ``β`` traces the accuracy–resource
Pareto front (:func:`beta_scan`).

Architecture as the chapter's QKeras tagger: 16 features → 64 → 32 → 32 → 5 logits,
ReLU, ``hgq.layers.QDense`` throughout (``fc1`` … ``fc3``, ``logits``).  Inputs are
standardised and put on the ``ap_fixed<16,6>`` grid by
:class:`~hepml_course.fpga.preprocess.InputScaler`, so Keras, hls4ml and the da4ml RTL
see identical numbers.  After training, :func:`hgq.utils.trace_minmax` fixes the
integer bits of the activations on the training data; the model is then bit-exact
in hls4ml and da4ml (:func:`hepml_course.fpga.rtl.trace_model`).

A pitfall handled here: importing hgq2's QKeras-API module (``qkeras.qlayers``)
replaces the ``__init__`` of HGQ2's layer classes for the whole process (EBOPs off,
input quantizers off, dummy quantizers).  :class:`HGQTagger` builds and loads its
layers with the original constructors, so it works in a notebook that used the
QKeras API first.
"""

from __future__ import annotations

import contextlib
import inspect
import time
from collections.abc import Iterator, Sequence
from dataclasses import asdict
from typing import Any, ClassVar

import numpy as np

from hepml_course.fpga.preprocess import FixedPoint, InputScaler
from hepml_course.nn import (
    Estimator,
    check_array,
    check_labels,
    check_lengths,
    check_sample_weight,
    dense_block,
    import_keras,
    seed_everything,
    train,
)

#: names of the dense layers (hidden ones, then the output)
LAYER_NAMES = ("fc1", "fc2", "fc3", "logits")


@contextlib.contextmanager
def native_hgq_layers() -> Iterator[None]:
    """Build or load HGQ2 layers with their own constructors inside this block.

    hgq2's QKeras-compatibility module (``import qkeras.qlayers``) wraps the
    ``__init__`` of every HGQ2 layer class in place, so that layers built afterwards
    have EBOPs and input quantizers switched off.  Inside this block the original
    constructors are restored; the wrappers come back on exit.  Does nothing when the
    QKeras API was never imported.
    """
    import_keras()  # quiet TensorFlow start-up before hgq imports Keras
    import hgq.layers
    import hgq.quantizer

    classes = {
        obj
        for obj in (*vars(hgq.layers).values(), *vars(hgq.quantizer).values())
        if isinstance(obj, type)
    }
    saved: dict[type, Any] = {}
    for cls in classes:
        init = cls.__dict__.get("__init__")
        original = init
        while getattr(original, "__module__", None) == "qkeras.qlayers":
            original = inspect.getclosurevars(original).nonlocals["original_init"]
        if original is not init:
            saved[cls] = init
            cls.__init__ = original
    try:
        yield
    finally:
        for cls, init in saved.items():
            cls.__init__ = init


def build_hgq_model(
    n_features: int,
    hidden: Sequence[int],
    n_classes: int,
    *,
    beta: float,
    init_bits: int = 8,
) -> Any:
    """The untrained HGQ2 MLP ``n_features → hidden… → n_classes`` (logits), EBOPs on.

    Weights and biases: per-weight ``kbi`` quantizers (``init_bits`` bits to start
    with) with symmetric saturation; activations: per-feature ``kif`` quantizers with
    wrap-around (their integer bits are set by :func:`hgq.utils.trace_minmax` after
    training).
    """
    keras = import_keras()
    from hgq.config import LayerConfigScope, QuantizerConfigScope
    from hgq.layers import QDense

    with (
        native_hgq_layers(),
        QuantizerConfigScope(place="all", default_q_type="kbi", overflow_mode="SAT_SYM"),
        QuantizerConfigScope(place=("weight", "bias"), q_type="kbi", b0=int(init_bits)),
        QuantizerConfigScope(place="datalane", default_q_type="kif", overflow_mode="WRAP"),
        LayerConfigScope(enable_ebops=True, beta0=float(beta)),
    ):
        inp = keras.Input(shape=(int(n_features),), name="features")
        x = dense_block(inp, hidden, layer=QDense)
        x = QDense(int(n_classes), activation=None, name="logits")(x)
        return keras.Model(inp, x, name="hgq_tagger")


def total_ebops(model: Any) -> int:
    """Sum of the EBOPs of every HGQ2 layer (as last computed in training or tracing)."""
    keras = import_keras()
    from hgq.layers import QLayerBase

    total = 0
    for layer in model._flatten_layers():
        if isinstance(layer, QLayerBase) and layer.enable_ebops and layer._ebops is not None:
            total += int(keras.ops.convert_to_numpy(layer._ebops))
    return total


def weight_bits(model: Any) -> dict[str, np.ndarray]:
    """Bit width of every weight (kernel) per layer, after training (0 = pruned away)."""
    keras = import_keras()
    out = {}
    for layer in model.layers:
        kq = getattr(layer, "kq", None)
        if kq is None or not hasattr(layer, "kernel"):
            continue
        bits = kq.bits_(keras.ops.shape(layer.kernel))
        out[layer.name] = np.asarray(keras.ops.convert_to_numpy(bits))
    return out


class HGQTagger(Estimator):
    """Jet tagger trained with HGQ2: per-weight bit widths and an EBOPs penalty ``β``.

    Parameters
    ----------
    beta
        Strength of the resource penalty (loss += β·EBOPs); larger → smaller circuit.
    hidden
        Widths of the hidden layers.
    epochs, batch_size, learning_rate
        Adam training schedule (:func:`hepml_course.nn.train`).
    validation_fraction, patience
        Held-out fraction for early stopping on the cross-entropy, and its patience.
        Default 0: a fixed number of epochs, as HGQ2 is usually trained — the bit
        widths keep shrinking under ``β`` after the cross-entropy has flattened, and
        early stopping would restore the best-cross-entropy (widest) weights.
    init_bits
        Bit width every weight and bias starts from (then learned per weight).
    input_width, input_integer
        Input fixed-point type ``ap_fixed<input_width, input_integer>``.

    Attributes
    ----------
    model_
        The trained Keras model (HGQ2 ``QDense`` layers, outputs logits).
    scaler_
        :class:`~hepml_course.fpga.preprocess.InputScaler` (standardisation + input grid).
    ebops_
        EBOPs of the trained model on the training data (after ``trace_minmax``).
    history_, train_s_, n_classes_
        Per-epoch losses/accuracy (and ``ebops``), training time in s, number of classes.
    """

    _fitted_attributes: ClassVar[tuple[str, ...]] = ("model_", "scaler_", "ebops_")

    def __init__(
        self,
        *,
        beta: float = 1e-5,
        hidden: Sequence[int] = (64, 32, 32),
        epochs: int = 30,
        batch_size: int = 256,
        learning_rate: float = 3e-3,
        validation_fraction: float = 0.0,
        patience: int = 5,
        init_bits: int = 6,
        input_width: int = 16,
        input_integer: int = 6,
    ) -> None:
        self.beta = beta
        self.hidden = hidden
        self.epochs = epochs
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.validation_fraction = validation_fraction
        self.patience = patience
        self.init_bits = init_bits
        self.input_width = input_width
        self.input_integer = input_integer

    @property
    def input_fixed(self) -> FixedPoint:
        """Fixed-point type of the scaled inputs (what the RTL receives)."""
        return FixedPoint(int(self.input_width), int(self.input_integer))

    def fit(self, X: Any, y: Any, *, sample_weight: Any = None, seed: int = 0) -> HGQTagger:
        """Fit the input scaler and train the network; then calibrate with ``trace_minmax``.

        Parameters
        ----------
        X
            Raw jet features, (n_jets, n_features).
        y
            Integer class labels, (n_jets,).
        sample_weight
            Optional per-jet weights, (n_jets,).
        seed
            Seeds initialisation, validation split and batch order.
        """
        keras = import_keras()
        from hgq.utils import trace_minmax
        from hgq.utils.sugar import FreeEBOPs

        if float(self.beta) < 0:
            raise ValueError(f"beta must be >= 0, got {self.beta}")
        X = check_array(X, name="X", dtype=np.float64)
        n = check_lengths(X=X, y=y, sample_weight=sample_weight)
        y = check_labels(y, n)
        w = None if sample_weight is None else check_sample_weight(sample_weight, n)
        n_classes = max(int(y.max()) + 1, 2)
        scaler = InputScaler.fit(X, self.input_fixed)
        xs = scaler.transform(X)
        seed_everything(seed)
        model = build_hgq_model(
            X.shape[1], self.hidden, n_classes, beta=self.beta, init_bits=self.init_bits
        )
        result = train(
            model,
            xs,
            y,
            loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
            seed=seed,
            epochs=int(self.epochs),
            batch_size=int(self.batch_size),
            learning_rate=float(self.learning_rate),
            sample_weight=w,
            validation_fraction=float(self.validation_fraction),
            patience=int(self.patience),
            metrics=["accuracy"],
            callbacks=[FreeEBOPs()],
        )
        start = time.perf_counter()
        ebops = int(trace_minmax(model, xs, batch_size=4096))
        self.model_ = model
        self.scaler_ = scaler
        self.ebops_ = ebops
        self.n_classes_ = n_classes
        self.history_ = result.history
        self.train_s_ = result.train_s + time.perf_counter() - start
        self.seed_ = seed
        return self

    def scale(self, X: Any) -> np.ndarray:
        """Scaled inputs on the fixed-point grid (what the network, hls4ml and RTL receive)."""
        self._check_is_fitted()
        X = check_array(X, name="X", n_features=len(self.scaler_.mean), dtype=np.float64)
        return self.scaler_.transform(X)

    def predict(self, X: Any) -> np.ndarray:
        """Logits (n_jets, n_classes) for raw features ``X`` (n_jets, n_features)."""
        self._check_is_fitted()
        xs = self.scale(X)
        return np.asarray(self.model_.predict(xs, batch_size=4096, verbose=0), dtype=np.float64)

    # --- persistence --------------------------------------------------------
    def _save_state(self, writer: Any) -> dict[str, Any]:
        writer.keras_model("model", self.model_)
        return {
            "scaler": {
                "mean": [float(v) for v in self.scaler_.mean],
                "scale": [float(v) for v in self.scaler_.scale],
                "fixed": asdict(self.scaler_.fixed),
            },
            "ebops": int(self.ebops_),
            "n_classes": int(self.n_classes_),
            "history": self.history_,
            "train_s": float(self.train_s_),
        }

    def _load_state(self, reader: Any, state: dict[str, Any]) -> None:
        import_keras()
        import hgq  # noqa: F401  (registers the HGQ2 layers with Keras)

        with native_hgq_layers():
            self.model_ = reader.keras_model("model")
        sc = state["scaler"]
        self.scaler_ = InputScaler(
            np.asarray(sc["mean"], dtype=np.float64),
            np.asarray(sc["scale"], dtype=np.float64),
            FixedPoint(**sc["fixed"]),
        )
        self.ebops_ = int(state["ebops"])
        self.n_classes_ = int(state["n_classes"])
        self.history_ = state.get("history", {})
        self.train_s_ = float(state.get("train_s", 0.0))


def beta_scan(
    betas: Sequence[float],
    X_train: Any,
    y_train: Any,
    X_test: Any,
    y_test: Any,
    *,
    seed: int = 0,
    rtl: bool = True,
    **params: Any,
) -> list[dict[str, Any]]:
    """Train one :class:`HGQTagger` per ``β`` and measure accuracy and resources.

    Choose the ``betas`` (and any model selection) on validation data only:
    ``X_test``/``y_test`` are for the final numbers of the Pareto plot.

    Parameters
    ----------
    betas
        EBOPs penalty strengths, e.g. ``[1e-6, 1e-5, 1e-4]``.
    X_train, y_train, X_test, y_test
        Raw features (n, n_features) and labels (n,).
    seed
        Training seed (the same for every ``β``).
    rtl
        Also trace each model with da4ml (:func:`hepml_course.fpga.rtl.trace_model`)
        for its LUT estimate and a bit-exactness check (≈ seconds per model).
    **params
        Other :class:`HGQTagger` hyper-parameters (epochs, hidden ...).

    Returns
    -------
    list of dict
        One row per ``β``: ``name`` (``hgq2_b1e-05``), ``beta``, ``accuracy``, ``ebops``,
        ``train_s``, ``model`` (the fitted :class:`HGQTagger`) and, with ``rtl``,
        ``da4ml_luts`` (da4ml's estimate), ``da4ml_delay`` and ``emulation_bit_exact``
        (fraction of da4ml logits identical to Keras on the test set).
    """
    X_test = check_array(X_test, name="X_test", dtype=np.float64)
    y_test = check_labels(y_test, check_lengths(X_test=X_test, y_test=y_test))
    rows = []
    for beta in betas:
        model = HGQTagger(beta=float(beta), **params).fit(X_train, y_train, seed=seed)
        logits = model.predict(X_test)
        row: dict[str, Any] = {
            "name": f"hgq2_b{float(beta):.0e}",
            "beta": float(beta),
            "accuracy": float(np.mean(np.argmax(logits, axis=1) == y_test)),
            "ebops": int(model.ebops_),
            "train_s": float(model.train_s_),
            "model": model,
        }
        if rtl:
            from hepml_course.fpga.rtl import identical_fraction, trace_model

            design = trace_model(model.model_, model.input_fixed)
            row["da4ml_luts"] = design.estimated_luts
            row["da4ml_delay"] = design.delay
            row["emulation_bit_exact"] = identical_fraction(
                logits, design.predict(model.scale(X_test))
            )
        rows.append(row)
    return rows
