"""The one dense-network builder of the package."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from hepml_course.nn.quiet import import_keras


def dense_block(
    x: Any,
    hidden: Sequence[int],
    *,
    activation: str = "relu",
    name: str = "fc",
    dropout: float = 0.0,
    kernel_regularizer: Any = None,
    layer: Callable[..., Any] | None = None,
    **layer_kwargs: Any,
) -> Any:
    """Apply ``len(hidden)`` dense layers (``name1``, ``name2`` ...) to the Keras tensor ``x``.

    ``layer`` is the layer class (default ``keras.layers.Dense``; e.g. a quantized
    ``QDense``), called as ``layer(width, activation=..., name=..., **layer_kwargs)``;
    ``activation=None`` leaves the activation out of that call (for layers that
    take none, follow each with your own activation layer).
    """
    keras = import_keras()
    make = layer or keras.layers.Dense
    if kernel_regularizer is not None:
        layer_kwargs = {**layer_kwargs, "kernel_regularizer": kernel_regularizer}
    for i, width in enumerate(hidden):
        act = {} if activation is None else {"activation": activation}
        x = make(int(width), name=f"{name}{i + 1}", **act, **layer_kwargs)(x)
        if dropout > 0:
            x = keras.layers.Dropout(dropout, name=f"{name}{i + 1}_dropout")(x)
    return x


def mlp(
    n_inputs: int | Sequence[int],
    hidden: Sequence[int],
    n_outputs: int,
    *,
    activation: str = "relu",
    output_activation: str | None = None,
    dropout: float = 0.0,
    name: str = "mlp",
    input_name: str = "features",
    output_name: str = "output",
    kernel_regularizer: Any = None,
) -> Any:
    """A functional Keras MLP ``n_inputs → hidden… → n_outputs``.

    Parameters
    ----------
    n_inputs
        Input width, or the full input shape (without the batch axis) for
        per-element networks, e.g. ``(n_constituents, n_features)``.
    hidden
        Widths of the hidden layers (named ``fc1``, ``fc2`` ...).
    n_outputs
        Width of the output layer (named ``output_name``).
    activation, output_activation
        Hidden activation; output activation (``None``: linear, e.g. logits).
    dropout
        Dropout rate after every hidden layer (0: none).
    name, input_name, output_name
        Names of the model and of its input and output layers.
    kernel_regularizer
        Optional Keras regulariser for every Dense kernel.

    Returns
    -------
    keras.Model
        Uncompiled; input shape ``(batch, *n_inputs)``, output ``(batch, ..., n_outputs)``.
    """
    keras = import_keras()
    shape = (int(n_inputs),) if isinstance(n_inputs, int) else tuple(int(s) for s in n_inputs)
    inp = keras.Input(shape=shape, name=input_name)
    x = dense_block(
        inp, hidden, activation=activation, dropout=dropout, kernel_regularizer=kernel_regularizer
    )
    out = keras.layers.Dense(
        int(n_outputs),
        activation=output_activation,
        name=output_name,
        kernel_regularizer=kernel_regularizer,
    )(x)
    return keras.Model(inp, out, name=name)


def count_parameters(model: Any) -> int:
    """Trainable + non-trainable parameters of a built Keras model (0 for ``None``)."""
    return int(model.count_params()) if model is not None else 0
