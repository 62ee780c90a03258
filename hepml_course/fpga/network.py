"""Reading a Keras-3 feed-forward network: which layers, which weights, which bit widths.

Works on float Keras models (``Dense``, ``Activation``), on QKeras-API models
built with hgq2's ``qkeras`` module, and on native HGQ2 models (``QDense``,
``Quantizer``, ``QBatchNormDense``): any layer names.  :func:`check_supported`
refuses anything else with a message naming the layer.
"""

from __future__ import annotations

from typing import Any

import numpy as np

#: layer classes the FPGA flow accepts (feed-forward dense networks)
SUPPORTED_LAYERS = (
    "InputLayer",
    "Dense",
    "Activation",
    "ReLU",
    "QDense",
    "QBatchNormDense",
    "Quantizer",
    "QActivation",
)
#: activations the flow accepts inside Dense/Activation layers
SUPPORTED_ACTIVATIONS = ("linear", "relu", "softmax")


def check_supported(model: Any) -> None:
    """Raise ``ValueError`` naming the first layer the FPGA flow cannot deploy.

    The network must be feed-forward with one input and one output, made of
    the layer classes in :data:`SUPPORTED_LAYERS` with linear/ReLU activations
    (a final softmax is allowed: it is left out of the hardware).
    """
    if len(model.inputs) != 1 or len(model.outputs) != 1:
        raise ValueError(
            f"model {model.name!r} has {len(model.inputs)} inputs and {len(model.outputs)} "
            "outputs: the FPGA flow takes one input vector and one output vector"
        )
    for layer in model.layers:
        kind = type(layer).__name__
        if kind not in SUPPORTED_LAYERS:
            raise ValueError(
                f"layer {layer.name!r} of type {kind} is not supported by the FPGA flow; "
                f"supported layer types: {', '.join(SUPPORTED_LAYERS)}"
            )
        activation = _activation_name(layer)
        if activation is not None and activation not in SUPPORTED_ACTIVATIONS:
            raise ValueError(
                f"layer {layer.name!r} ({kind}) has activation {activation!r}, which the FPGA "
                f"flow does not support; supported: {', '.join(SUPPORTED_ACTIVATIONS)}"
            )
    if len(model.input_shape) != 2:
        raise ValueError(
            f"model {model.name!r} takes inputs of shape {model.input_shape}: "
            "the FPGA flow takes flat feature vectors (batch, n_features)"
        )


def _activation_name(layer: Any) -> str | None:
    act = layer.get_config().get("activation")
    if act is None or not isinstance(act, str):
        return None if act is None else str(act)
    return act


def is_quantized(model: Any) -> bool:
    """True when the model is made of quantized (hgq2 / QKeras-API) layers."""
    return any(type(la).__module__.startswith("hgq") for la in model.layers)


def dense_layers(model: Any) -> list[Any]:
    """The layers with a kernel (``Dense``, ``QDense`` ...), in order."""
    return [la for la in model.layers if getattr(la, "kernel", None) is not None]


def _numpy(value: Any) -> np.ndarray:
    from hepml_course.nn import import_keras

    return np.asarray(import_keras().ops.convert_to_numpy(value), dtype=np.float64)


def quantized_kernel(layer: Any) -> np.ndarray:
    """The kernel as the layer uses it (quantized for hgq2 layers)."""
    kernel = getattr(layer, "qkernel", None)
    return _numpy(kernel if kernel is not None else layer.kernel)


def quantized_bias(layer: Any) -> np.ndarray:
    """The bias as the layer uses it (quantized for hgq2 layers; zeros without bias)."""
    if getattr(layer, "bias", None) is None:
        return np.zeros(int(layer.kernel.shape[-1]))
    bias = getattr(layer, "qbias", None)
    return _numpy(bias if bias is not None else layer.bias)


def dense_weights(model: Any) -> list[tuple[np.ndarray, np.ndarray]]:
    """(kernel, bias) of every dense layer, as the layers use them."""
    return [(quantized_kernel(la), quantized_bias(la)) for la in dense_layers(model)]


def weight_sparsity(model: Any) -> float:
    """Fraction of exactly-zero kernel weights over all dense layers (after quantization)."""
    kernels = [k for k, _ in dense_weights(model)]
    total = sum(k.size for k in kernels)
    return sum(int(np.sum(k == 0)) for k in kernels) / total if total else 0.0


def weight_bits(model: Any) -> int | None:
    """Largest bit width (sign included) of the quantized kernels; ``None`` for float models.

    For per-weight bit widths (native HGQ2) this is the widest weight.
    """
    widths = []
    for layer in dense_layers(model):
        kq = getattr(layer, "kq", None)
        if kq is None or not hasattr(kq, "bits"):
            continue
        widths.append(float(np.max(_numpy(kq.bits))))
    return round(max(widths)) if widths else None


def output_layer(model: Any) -> Any:
    """The layer whose output is the hardware output: the last one before a final softmax."""
    layers = [la for la in model.layers if type(la).__name__ != "InputLayer"]
    last = layers[-1]
    if type(last).__name__ == "Activation" and _activation_name(last) == "softmax":
        return layers[-2]
    return last


def ends_in_softmax(model: Any) -> bool:
    """True when the model's last layer applies a softmax (left out of the hardware)."""
    layers = [la for la in model.layers if type(la).__name__ != "InputLayer"]
    return _activation_name(layers[-1]) == "softmax"


def logits_model(model: Any) -> Any:
    """``model`` itself, or its sub-model up to the logits when it ends in a softmax layer."""
    from hepml_course.nn import import_keras

    if not ends_in_softmax(model):
        return model
    last = output_layer(model)
    if last is model.layers[-1]:
        raise ValueError(
            f"layer {last.name!r} applies softmax inside a Dense layer: put the softmax in a "
            "separate Activation layer so the logits can be compared bit for bit"
        )
    keras = import_keras()
    return keras.Model(model.inputs, last.output, name=f"{model.name}_logits")


def predict_logits(model: Any, x: np.ndarray, batch_size: int = 4096) -> np.ndarray:
    """Logits (float64) of ``model`` for inputs ``x`` already scaled onto the input grid."""
    from hepml_course.nn import predict

    return predict(logits_model(model), np.asarray(x, dtype=np.float32), batch_size=batch_size)
