"""QKeras-style layers from hgq2's ``qkeras`` compatibility module, without side effects.

hgq2 ships a top-level ``qkeras`` package that speaks the QKeras API
(``QDense(kernel_quantizer=quantized_bits(6, 0, alpha=1))``, ``QActivation``).
Its layers *are* HGQ2's layers: importing ``qkeras.qlayers`` replaces the
``__init__`` of every ``hgq.layers`` class by a wrapper that translates the
QKeras keywords and switches EBOPs off — for the whole process, which would
silently turn later native HGQ2 models (``enable_ebops=True``) into plain ones.

:func:`qkeras_layers` gives the QKeras-API classes for the duration of a
``with`` block and puts HGQ2's own constructors back afterwards, so QKeras-API
and native HGQ2 models can be built in one session (one notebook).
"""

from __future__ import annotations

import inspect
from collections.abc import Iterator
from contextlib import contextmanager
from types import SimpleNamespace
from typing import Any

_WRAPPER = "qkeras_layer_wrap.<locals>.__init__"


def _hgq_layer_classes() -> list[type]:
    from hgq import layers

    return [obj for obj in vars(layers).values() if isinstance(obj, type)]


def _original_init(wrapped: Any) -> Any:
    return inspect.getclosurevars(wrapped).nonlocals["original_init"]


def _wrapped_inits() -> dict[type, tuple[Any, Any]]:
    """class → (HGQ2's own ``__init__``, the QKeras-API wrapper)."""
    import qkeras.qlayers  # noqa: F401  (patches hgq.layers on first import)

    out = {}
    for cls in _hgq_layer_classes():
        init = cls.__dict__.get("__init__")
        if init is not None and init.__qualname__ == _WRAPPER:
            out[cls] = (_original_init(init), init)
    return out


_CACHE: dict[type, tuple[Any, Any]] = {}


def _current_inits() -> dict[type, Any]:
    return {cls: cls.__dict__.get("__init__") for cls in _hgq_layer_classes()}


def _put_back(inits: dict[type, Any]) -> None:
    for cls, init in inits.items():
        if init is not None:
            cls.__init__ = init


@contextmanager
def qkeras_layers() -> Iterator[SimpleNamespace]:
    """The QKeras API (``QDense``, ``QActivation``, ``quantized_bits``, ``quantized_relu``).

    Use the classes only inside the ``with`` block: on exit every ``hgq.layers``
    class gets back the constructor it had before the block (HGQ2's own, unless
    someone imported ``qkeras.qlayers`` at top level before).
    """
    from hepml_course.nn import import_keras

    import_keras()
    before = _current_inits()  # taken before the first import of qkeras.qlayers patches
    if not _CACHE:
        _CACHE.update(_wrapped_inits())
    from qkeras import quantized_bits, quantized_relu
    from qkeras.qlayers import QActivation, QDense

    for cls, (_, wrapper) in _CACHE.items():
        cls.__init__ = wrapper
    try:
        yield SimpleNamespace(
            QDense=QDense,
            QActivation=QActivation,
            quantized_bits=quantized_bits,
            quantized_relu=quantized_relu,
        )
    finally:
        _put_back(before)


@contextmanager
def hgq_loading() -> Iterator[None]:
    """Deserialise hgq2 layers (QKeras-API or native) with HGQ2's own constructors.

    A saved layer's config holds its quantizers explicitly; the QKeras-API wrapper
    (active if ``qkeras.qlayers`` was imported at top level) would switch EBOPs and
    input quantizers off while loading.
    """
    from hepml_course.nn import import_keras

    import_keras()
    import hgq  # noqa: F401  (registers the HGQ2 layers with Keras)
    import qkeras  # noqa: F401  (registers quantized_bits / quantized_relu; patches nothing)

    from hepml_course.fpga.hgq import native_hgq_layers

    with native_hgq_layers():
        yield
