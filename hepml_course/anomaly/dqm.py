"""Data-quality monitoring with an autoencoder on calorimeter occupancy maps.

As in CMS's ECAL monitoring, a convolutional autoencoder learns what *normal*
occupancy maps look like (fraction of events in which each of the 18 × 14
regions records ET above a threshold, accumulated over a block of events), and
flags maps whose reconstruction residual is unusual.  Normal maps are built by
resampling the simulated background events; the running conditions vary from
map to map (the share of harder collisions changes, like the luminosity during
a fill), so a fixed reference map would not do.  Faults are injected into
held-out maps:

* ``dead_region`` — a block of 1 φ × 4 η regions (20° × half a barrel, like an
  ECAL supermodule) reads zero;
* ``zero_occupancy_tower`` — a single region reads zero;
* ``hot_tower`` — a single region fires in an extra ``hot_extra`` share of the
  events.

The score of a map is the largest per-region residual in units of that
region's residual spread on normal maps.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

import numpy as np

from hepml_course import nn
from hepml_course.anomaly.models import _KerasScorer, conv_autoencoder

FAULTS: tuple[str, ...] = ("dead_region", "zero_occupancy_tower", "hot_tower")
MAP_SHAPE = (18, 14)


def region_hits(images_gev: np.ndarray, threshold_gev: float = 0.5) -> np.ndarray:
    """Boolean (events, 18, 14): region ET ≥ ``threshold_gev`` (GeV; 0.5 GeV = one count)."""
    images_gev = np.asarray(images_gev)
    if images_gev.ndim != 3 or images_gev.shape[1:] != MAP_SHAPE:
        raise ValueError(f"expected images of shape (events, 18, 14), got {images_gev.shape}")
    return images_gev >= threshold_gev


def _resampled_sums(
    pool: np.ndarray, n_per_map: np.ndarray, rng: np.random.Generator, chunk: int = 256
) -> np.ndarray:
    """Σ of ``n_per_map[i]`` rows drawn with replacement from ``pool``, for each map i."""
    out = np.empty((len(n_per_map), pool.shape[1]), dtype=np.float32)
    for start in range(0, len(n_per_map), chunk):
        stop = min(start + chunk, len(n_per_map))
        counts = np.stack(
            [
                np.bincount(rng.integers(0, len(pool), n), minlength=len(pool))
                for n in n_per_map[start:stop]
            ]
        ).astype(np.float32)
        out[start:stop] = counts @ pool
    return out


def occupancy_maps(
    soft_hits: np.ndarray,
    hard_hits: np.ndarray,
    n_maps: int,
    events_per_map: int = 2000,
    hard_share_range: tuple[float, float] = (0.0, 0.4),
    seed: int = 0,
) -> np.ndarray:
    """Occupancy maps from resampled events under varying conditions.

    Parameters
    ----------
    soft_hits, hard_hits
        Region hits (:func:`region_hits`) of soft (minimum-bias) and harder
        (QCD) collisions.
    n_maps
        Number of maps.
    events_per_map
        Events accumulated in one map (a "luminosity block").
    hard_share_range
        Each map draws its share of hard events uniformly in this range.
    seed
        Seed of the resampling.

    Returns
    -------
    numpy.ndarray
        float32 occupancies in [0, 1], shape (n_maps, 18, 14).
    """
    rng = np.random.default_rng(seed)
    soft = soft_hits.reshape(len(soft_hits), -1).astype(np.float32)
    hard = hard_hits.reshape(len(hard_hits), -1).astype(np.float32)
    if len(soft) == 0 or len(hard) == 0:
        raise ValueError("need both soft and hard events to build occupancy maps")
    n_hard = rng.binomial(events_per_map, rng.uniform(*hard_share_range, size=n_maps))
    total = _resampled_sums(soft, events_per_map - n_hard, rng)
    total += _resampled_sums(hard, n_hard, rng)
    return (total / events_per_map).reshape(n_maps, *MAP_SHAPE)


def inject_fault(
    maps: np.ndarray, kind: str, seed: int = 0, hot_extra: float = 0.2
) -> tuple[np.ndarray, np.ndarray]:
    """Copy ``maps`` with one fault of ``kind`` at a random place in each map.

    Returns
    -------
    faulty, mask
        The faulty maps and a boolean mask of the affected regions.
    """
    if kind not in FAULTS:
        raise ValueError(f"unknown fault {kind!r}; choose one of {FAULTS}")
    rng = np.random.default_rng(seed)
    faulty = np.array(maps, dtype=np.float32, copy=True)
    mask = np.zeros(faulty.shape, dtype=bool)
    n_phi, n_eta = MAP_SHAPE
    for i in range(len(faulty)):
        phi = rng.integers(n_phi)
        if kind == "dead_region":
            side = rng.integers(2)  # the 4 barrel regions on one side of η = 0
            etas = slice(3, 7) if side == 0 else slice(7, 11)
            mask[i, phi, etas] = True
            faulty[i, phi, etas] = 0.0
        else:
            eta = rng.integers(n_eta)
            mask[i, phi, eta] = True
            if kind == "zero_occupancy_tower":
                faulty[i, phi, eta] = 0.0
            else:
                old = faulty[i, phi, eta]
                faulty[i, phi, eta] = old + hot_extra * (1.0 - old)
    return faulty, mask


class DQMAutoencoder(_KerasScorer):
    """Convolutional autoencoder on occupancy maps; score = largest normalised residual.

    ``X``: normal occupancy maps, shape (maps, 18, 14) in [0, 1] (:func:`occupancy_maps`);
    ``y`` is not used.  The last ``calibration`` share of the maps is not trained on:
    it sets each region's residual spread on normal maps (:attr:`residual_scale_`).
    ``score(X)`` → (maps,) the largest |residual| / spread over the regions of each
    map; ``score(X, per_region=True)`` → the signed pulls, shape (maps, 18, 14).

    Parameters
    ----------
    filters
        Filters of the two encoder convolutions.
    latent
        Size of the dense bottleneck.
    calibration
        Share of the maps that sets the residual scale.
    epochs, batch_size, learning_rate, validation_fraction, patience
        Training schedule (Adam; with ``validation_fraction`` > 0, early stopping on
        that share of the training maps), as for
        :class:`~hepml_course.anomaly.models.DenseAutoencoder`.

    Attributes
    ----------
    model_ : keras.Model
        The autoencoder (see :func:`hepml_course.anomaly.models.conv_autoencoder`).
    residual_scale_ : numpy.ndarray, shape (18, 14)
        Standard deviation of each region's residual on the calibration maps (+ 10⁻³).
    """

    _fitted_attributes: ClassVar[tuple[str, ...]] = ("model_", "input_shape_", "residual_scale_")
    _ndim: ClassVar[int] = 3

    def __init__(
        self,
        *,
        filters: Sequence[int] = (16, 8),
        latent: int = 8,
        calibration: float = 0.2,
        epochs: int = 40,
        batch_size: int = 64,
        learning_rate: float = 3e-3,
        validation_fraction: float = 0.0,
        patience: int = 5,
    ) -> None:
        self.filters = tuple(filters)
        self.latent = latent
        self.calibration = calibration
        self.epochs = epochs
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.validation_fraction = validation_fraction
        self.patience = patience

    def _check_x(self, X: Any, *, fitting: bool) -> np.ndarray:
        x = super()._check_x(X, fitting=fitting)
        if x.shape[1:] != MAP_SHAPE:
            raise ValueError(f"expected maps of shape (n, 18, 14), got {x.shape}")
        return x

    def _features(self, X: np.ndarray) -> np.ndarray:
        return X[..., None]

    def _build(self, input_shape: tuple[int, ...]) -> None:
        self.model_ = conv_autoencoder(input_shape, self.filters, self.latent, "dqm_autoencoder")

    def fit(self, X: Any, y: Any = None, *, sample_weight: Any = None, seed: int = 0) -> Any:
        """Train on normal maps; the last ``calibration`` share sets the residual scale."""
        if not 0.0 < self.calibration < 1.0:
            raise ValueError(f"calibration must be in (0, 1), got {self.calibration}")
        x = self._check_x(X, fitting=True)
        n = nn.check_lengths(X=x, sample_weight=sample_weight)
        w = None if sample_weight is None else nn.check_sample_weight(sample_weight, n)
        n_cal = max(1, int(n * self.calibration))
        if n - n_cal < 2:
            raise ValueError(f"need more maps to train on: got {n}, {n_cal} of them calibrate")
        super().fit(x[:-n_cal], sample_weight=None if w is None else w[:-n_cal], seed=seed)
        self.residual_scale_ = np.std(self._residuals(x[-n_cal:]), axis=0) + 1e-3
        return self

    def _residuals(self, maps: np.ndarray) -> np.ndarray:
        feats = self._features(maps)
        return (feats - nn.predict(self.model_, feats).astype(np.float32))[..., 0]

    def _extra_state(self) -> dict[str, Any]:
        return {"residual_scale": self.residual_scale_.tolist()}

    def _load_state(self, reader: Any, state: dict[str, Any]) -> None:
        super()._load_state(reader, state)
        self.residual_scale_ = np.asarray(state["residual_scale"], dtype=np.float32)

    def score(self, X: Any, *, per_region: bool = False) -> np.ndarray:
        """Largest |residual| / (normal spread) per map, or the signed pulls per region.

        Parameters
        ----------
        X
            Occupancy maps, shape (maps, 18, 14).
        per_region
            Return (map − reconstruction) / spread of every region, shape (maps, 18, 14).
        """
        self._check_is_fitted()
        pulls = self._residuals(self._check_x(X, fitting=False)) / self.residual_scale_
        return pulls if per_region else np.max(np.abs(pulls), axis=(1, 2))


def detection_rates(
    model: DQMAutoencoder,
    calibration_maps: np.ndarray,
    normal_maps: np.ndarray,
    faulty_maps: dict[str, np.ndarray],
    false_alarm: float = 0.01,
) -> dict[str, dict[str, float]]:
    """Detection rate of each fault at a threshold set for ``false_alarm`` on normal maps.

    The threshold is the (1 − ``false_alarm``) quantile of the scores of
    ``calibration_maps``; the false-alarm rate is then *measured* on the
    independent ``normal_maps``.

    Returns
    -------
    dict
        fault → {"detection_rate", "false_rate", "threshold"}.
    """
    threshold = float(np.quantile(model.score(calibration_maps), 1.0 - false_alarm))
    false_rate = float(np.mean(model.score(normal_maps) > threshold))
    return {
        kind: {
            "detection_rate": float(np.mean(model.score(maps) > threshold)),
            "false_rate": false_rate,
            "threshold": threshold,
        }
        for kind, maps in faulty_maps.items()
    }
