"""Feature scaling and the fixed-point grid of the FPGA input.

The tagger sees standardised high-level jet features.  On the FPGA they arrive as
fixed-point numbers, ``ap_fixed<16,6>`` by default (1 sign bit, 5 integer bits,
10 fractional bits): we put the inputs on exactly that grid *before* training and
evaluation, so that Keras, QKeras, the hls4ml emulation and the RTL all see
identical inputs and any disagreement comes from the network, not the input.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np


@dataclass(frozen=True)
class FixedPoint:
    """A signed or unsigned fixed-point type, ``ap_fixed<width, integer>`` in HLS terms.

    Attributes
    ----------
    width
        Total number of bits (sign included).
    integer
        Integer bits, sign bit included (the ``I`` of ``ap_fixed<W,I>``).
    signed
        Two's complement (``ap_fixed``) or unsigned (``ap_ufixed``).
    """

    width: int = 16
    integer: int = 6
    signed: bool = True

    def __post_init__(self) -> None:
        if self.width < 1:
            raise ValueError(f"fixed-point width must be >= 1 bit, got {self.width}")

    @property
    def fractional(self) -> int:
        """Number of fractional bits."""
        return self.width - self.integer

    @property
    def lsb(self) -> float:
        """Value of the least significant bit."""
        return 2.0**-self.fractional

    @property
    def low(self) -> float:
        """Smallest representable value."""
        return -(2.0 ** (self.integer - 1)) if self.signed else 0.0

    @property
    def high(self) -> float:
        """Largest representable value."""
        top = self.integer - 1 if self.signed else self.integer
        return 2.0**top - self.lsb

    @property
    def kif(self) -> tuple[int, int, int]:
        """(sign bit, integer bits without sign, fractional bits), the da4ml convention."""
        k = int(self.signed)
        return k, self.integer - k, self.fractional

    def hls(self) -> str:
        """The HLS type string, e.g. ``ap_fixed<16,6>``."""
        kind = "ap_fixed" if self.signed else "ap_ufixed"
        return f"{kind}<{self.width},{self.integer}>"

    def quantize(self, x: np.ndarray) -> np.ndarray:
        """Round ``x`` to the nearest grid point (ties to even) and saturate to the range."""
        q = np.round(np.asarray(x, dtype=np.float64) / self.lsb) * self.lsb
        return np.clip(q, self.low, self.high).astype(np.float32)


@dataclass
class InputScaler:
    """Standardise features (``(x - mean) / scale``) and put them on the input grid.

    Attributes
    ----------
    mean, scale
        Per-feature offset and width, in the features' own units.
    fixed
        The input fixed-point type.
    """

    mean: np.ndarray
    scale: np.ndarray
    fixed: FixedPoint = FixedPoint()

    @classmethod
    def fit(cls, x: np.ndarray, fixed: FixedPoint | None = None) -> InputScaler:
        """Fit mean and standard deviation on training features ``x`` (n_jets, n_features)."""
        from hepml_course.nn import Standardiser

        std = Standardiser().fit(_check_features(x))
        return cls(
            np.asarray(std.mean_, dtype=np.float64),
            np.asarray(std.scale_, dtype=np.float64),
            fixed or FixedPoint(),
        )

    def transform(self, x: np.ndarray) -> np.ndarray:
        """Standardised features on the fixed-point grid, float32 (n_jets, n_features)."""
        x = _check_features(x, n_features=len(self.mean))
        return self.fixed.quantize((x - self.mean) / self.scale)

    def to_dict(self) -> dict:
        """JSON-able state: ``{"mean": [...], "scale": [...], "fixed": {...}}``."""
        return {
            "mean": [float(v) for v in self.mean],
            "scale": [float(v) for v in self.scale],
            "fixed": asdict(self.fixed),
        }

    @classmethod
    def from_dict(cls, record: dict) -> InputScaler:
        """Inverse of :meth:`to_dict`; ``fixed`` defaults to ``ap_fixed<16,6>``.

        Raises
        ------
        ValueError
            If ``mean`` or ``scale`` is missing, of different lengths, or ``scale`` has zeros.
        """
        if not isinstance(record, dict) or "mean" not in record or "scale" not in record:
            raise ValueError(
                'an input scaler needs "mean" and "scale" lists (one value per feature), '
                'e.g. {"mean": [0.1, ...], "scale": [1.3, ...]}'
            )
        mean = np.asarray(record["mean"], dtype=np.float64).ravel()
        scale = np.asarray(record["scale"], dtype=np.float64).ravel()
        if mean.shape != scale.shape or mean.size == 0:
            raise ValueError(
                f"scaler mean and scale must be equally long, got {mean.size} and {scale.size}"
            )
        if np.any(scale == 0) or not np.all(np.isfinite(scale)) or not np.all(np.isfinite(mean)):
            raise ValueError("scaler scale must be finite and non-zero, mean finite")
        return cls(mean, scale, FixedPoint(**record.get("fixed", {})))

    def save(self, path: str | Path) -> None:
        """Write the scaler as JSON."""
        Path(path).write_text(json.dumps(self.to_dict(), indent=1))

    @classmethod
    def load(cls, path: str | Path) -> InputScaler:
        """Read a scaler JSON file (written by :meth:`save`, or by hand: mean and scale lists)."""
        path = Path(path)
        if not path.is_file():
            raise FileNotFoundError(f"no scaler file {path}")
        try:
            record = json.loads(path.read_text())
        except json.JSONDecodeError as err:
            raise ValueError(f"{path} is not valid JSON: {err}") from err
        return cls.from_dict(record)


def _check_features(x: np.ndarray, n_features: int | None = None) -> np.ndarray:
    from hepml_course.nn import check_array

    x = check_array(x, name="features", dtype=np.float64)
    if n_features is not None and x.shape[1] != n_features:
        raise ValueError(
            f"expected {n_features} features per jet, got {x.shape[1]}: "
            "use the same feature list as for fitting the scaler"
        )
    return x
