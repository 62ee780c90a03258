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

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from hepml_course.anomaly.models import _fit, _keras, _set_seed

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


@dataclass
class DQMAutoencoder:
    """Convolutional autoencoder on occupancy maps; score = max normalised residual.

    Parameters
    ----------
    filters
        Filters of the two encoder convolutions.
    latent
        Size of the dense bottleneck.
    learning_rate, seed
        Adam learning rate and seed.
    """

    filters: tuple[int, int] = (16, 8)
    latent: int = 8
    learning_rate: float = 3e-3
    seed: int = 0
    model: Any = field(default=None, init=False, repr=False)
    residual_scale: np.ndarray | None = field(default=None, init=False, repr=False)

    def build(self) -> Any:
        """Create the (untrained) Keras model."""
        _set_seed(self.seed)
        _, keras = _keras()
        layers = keras.layers
        inputs = keras.Input((*MAP_SHAPE, 1), name="occupancy")
        x = layers.Conv2D(self.filters[0], 3, padding="same", activation="relu")(inputs)
        x = layers.AveragePooling2D(2)(x)  # 9 × 7
        x = layers.Conv2D(self.filters[1], 3, padding="same", activation="relu")(x)
        x = layers.Flatten()(x)
        # the bottleneck: a normal map is described by a few numbers (the conditions)
        x = layers.Dense(self.latent, activation="relu", name="latent")(x)
        x = layers.Dense(9 * 7 * self.filters[1], activation="relu")(x)
        x = layers.Reshape((9, 7, self.filters[1]))(x)
        x = layers.UpSampling2D(2)(x)
        x = layers.Conv2D(self.filters[0], 3, padding="same", activation="relu")(x)
        out = layers.Conv2D(1, 3, padding="same", name="reconstruction")(x)
        self.model = keras.Model(inputs, out, name="dqm_autoencoder")
        return self.model

    def _check(self, maps: np.ndarray) -> np.ndarray:
        maps = np.asarray(maps, dtype=np.float32)
        if maps.ndim != 3 or maps.shape[1:] != MAP_SHAPE:
            raise ValueError(f"expected maps of shape (n, 18, 14), got {maps.shape}")
        if not np.all(np.isfinite(maps)):
            raise ValueError("occupancy maps contain NaN or infinite values")
        return maps[..., None]

    def residuals(self, maps: np.ndarray) -> np.ndarray:
        """Map minus reconstruction, shape (n, 18, 14)."""
        if self.model is None:
            raise RuntimeError("call fit() before using the model")
        x = self._check(maps)
        return (x - self.model.predict(x, batch_size=1024, verbose=0))[..., 0]

    def fit(
        self, maps: np.ndarray, epochs: int = 40, batch_size: int = 64, calibration: float = 0.2
    ) -> dict:
        """Train on normal maps; the last ``calibration`` share sets the residual scale."""
        x = self._check(maps)
        n_cal = max(1, int(len(x) * calibration))
        self.build()
        history = _fit(self.model, x[:-n_cal], x[:-n_cal], epochs, batch_size, self.learning_rate)
        self.residual_scale = np.std(self.residuals(maps[-n_cal:]), axis=0) + 1e-3
        return history

    def score(self, maps: np.ndarray) -> np.ndarray:
        """Largest |residual| / (normal spread) over the regions of each map."""
        if self.residual_scale is None:
            raise RuntimeError("call fit() before score()")
        return np.max(np.abs(self.residuals(maps)) / self.residual_scale, axis=(1, 2))


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
