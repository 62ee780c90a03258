"""Common machinery of the shower generators: fit, generate, save and load.

A generator learns the distribution of preprocessed showers
(:class:`~hepml_course.generative.preprocessing.ShowerPreprocessor`)
conditioned on the incident energy, in two stages (as CaloFlow does):

1. **layer energies** — a small flow-matching model
   (:class:`~hepml_course.generative.networks.ConditionalFlow`) learns the
   distribution of the few energy features (total deposited energy and the
   layer shares) given the incident energy.  It is the same kind of model for
   every generator: a handful of numbers whose correlations decide the energy
   resolution deserve a dedicated, accurate model;
2. **shapes** — the generator proper (VAE, GAN, flow matching) learns the
   voxel fractions inside each layer given the incident energy *and* the layer
   energies.  In training it sees the true layer energies; in sampling, those
   of stage 1.

Subclasses only define their stage-2 networks, one training epoch and the
sampler; this class handles the preprocessing, stage 1, seeding, batching and
the weight files.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from abc import ABC, abstractmethod
from pathlib import Path
from typing import Any, ClassVar

import numpy as np

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
import tensorflow as tf

from hepml_course.generative.augmentation import AlphaSymmetry
from hepml_course.generative.networks import ConditionalFlow
from hepml_course.generative.preprocessing import NEVER, ShowerPreprocessor

#: Hyper-parameters shared by every generator: the layer-energy stage and augmentation.
COMMON_DEFAULTS: dict[str, Any] = {
    "energy_hidden": [64, 64, 64],
    "energy_steps": 8,
    "energy_batch_size": 64,
    "alpha_bins": None,
    "hit_calibration_bins": 10,
}


def sha256_file(path: str | Path) -> str:
    """Hex sha256 of a file."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def layer_sizes(geometry) -> tuple[int, ...]:
    """Voxels per layer of a geometry with ``layer_slices``."""
    return tuple(int(s.stop - s.start) for s in geometry.layer_slices)


class ShowerGenerator(ABC):
    """Base class: an energy-conditioned generator of calorimeter showers.

    Parameters
    ----------
    seed
        Seed of the weight initialisation and of the training batches.
    learning_rate
        Adam learning rate.
    layer_sizes
        Voxels per calorimeter layer, in voxel order (see
        :class:`~hepml_course.generative.preprocessing.ShowerPreprocessor`);
        e.g. :func:`layer_sizes` of the geometry.
    **hparams
        Architecture hyper-parameters of the subclass (see ``DEFAULTS``) and
        the common ones (``COMMON_DEFAULTS``): the layer-energy stage's
        ``energy_hidden`` widths, ``energy_steps`` (midpoint steps of its
        sampler) and ``energy_batch_size`` (it trains one epoch per generator
        epoch); ``alpha_bins``, the angular bins per layer (e.g.
        ``geometry.n_alpha``): if given, every epoch sees randomly rotated and
        mirrored training showers
        (:class:`~hepml_course.generative.augmentation.AlphaSymmetry`);
        ``hit_calibration_bins``, bins in incident energy of the hit-rate
        calibration fitted after training
        (:meth:`~hepml_course.generative.preprocessing.ShowerPreprocessor.calibrate_hits`;
        at most one per 100 training showers; 0 switches it off).
    """

    name: ClassVar[str] = "base"
    DEFAULTS: ClassVar[dict[str, Any]] = {}

    def __init__(
        self,
        seed: int = 0,
        learning_rate: float = 1e-3,
        layer_sizes: tuple[int, ...] | None = None,
        **hparams: Any,
    ) -> None:
        known = {**COMMON_DEFAULTS, **self.DEFAULTS}
        unknown = set(hparams) - set(known)
        if unknown:
            raise TypeError(
                f"{type(self).__name__} has no hyper-parameter(s) {sorted(unknown)}; "
                f"known: {sorted(known)}"
            )
        self.seed = int(seed)
        self.learning_rate = float(learning_rate)
        self.hparams = {**known, **hparams}
        self.preprocessor = ShowerPreprocessor(layer_sizes=layer_sizes)
        self.history: list[float] = []
        self.energy_history: list[float] = []
        self.epochs_trained = 0
        self._built = False

    # --- to implement -----------------------------------------------------
    @abstractmethod
    def _build(self, n_features: int, n_cond: int) -> None:
        """Create the stage-2 networks and optimisers: ``n_features`` shape columns,
        ``n_cond`` condition columns (incident energy, then the energy features)."""

    @abstractmethod
    def _train_epoch(
        self, x: np.ndarray, c: np.ndarray, batch_size: int, rng: np.random.Generator
    ) -> float:
        """One pass over the training set; returns the mean loss."""

    @abstractmethod
    def _sample(self, c: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        """Standardised shape features for the standardised conditions ``c`` (n, n_cond)."""

    @abstractmethod
    def sampling_network(self) -> tf.keras.Model:
        """The stage-2 network needed for sampling (its weights are what gets saved)."""

    # --- the two stages ---------------------------------------------------
    def _build_all(self) -> None:
        """Create stage 1 (the layer-energy flow) and stage 2 (the subclass's networks)."""
        pre = self.preprocessor
        n_energy = pre.n_features - pre.n_voxels_
        tf.keras.utils.set_random_seed(self.seed)
        self.energy_flow = ConditionalFlow(
            n_energy,
            1,
            tuple(self.hparams["energy_hidden"]),
            n_freq=4,
            ema_decay=0.999,
            learning_rate=1e-3,
            name="energy_velocity",
        )
        self._build(pre.n_voxels_, 1 + n_energy)
        self._built = True

    def _symmetry(self) -> tuple[AlphaSymmetry | None, np.ndarray]:
        """The augmentation (None without ``alpha_bins``) and the dead cells (never hit)."""
        if self.hparams["alpha_bins"] is None:
            return None, np.zeros(0, dtype=int)
        pre = self.preprocessor
        if not pre.layer_sizes:
            raise ValueError("alpha_bins needs layer_sizes: pass both to the generator")
        symmetry = AlphaSymmetry(pre.layer_sizes, self.hparams["alpha_bins"])
        return symmetry, np.flatnonzero(pre.threshold_gev_ >= NEVER)

    def _split(self, x: np.ndarray, c: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Features → (shape columns, energy columns, stage-2 condition)."""
        n_vox = self.preprocessor.n_voxels_
        shape, energy = x[:, :n_vox], x[:, n_vox:]
        return shape, energy, np.concatenate([c, energy], axis=1)

    # --- public API -------------------------------------------------------
    def fit(
        self,
        voxels_gev: np.ndarray,
        e_inc_gev: np.ndarray,
        epochs: int = 10,
        batch_size: int = 256,
        verbose: bool = False,
    ) -> ShowerGenerator:
        """Train on reference showers.

        Parameters
        ----------
        voxels_gev
            (n_showers, n_voxels) voxel energies, GeV.
        e_inc_gev
            (n_showers,) incident energies, GeV.
        epochs, batch_size
            Training length and mini-batch size.  Calling ``fit`` again
            continues training (the preprocessing is fitted only once).
        verbose
            Print the loss after every epoch.
        """
        if epochs < 0:
            raise ValueError("epochs must be >= 0")
        if not self.preprocessor.fitted:
            self.preprocessor.fit(voxels_gev, e_inc_gev)
        if not self._built:
            self._build_all()
        rng = np.random.default_rng(self.seed + 1000 * self.epochs_trained)
        symmetry, dead = self._symmetry()
        start = time.perf_counter()
        for _ in range(epochs):
            showers = voxels_gev if symmetry is None else symmetry.augment(voxels_gev, rng, dead)
            # fresh dequantisation noise in the empty voxels every epoch
            x, c = self.preprocessor.transform(showers, e_inc_gev, rng=rng)
            shape, energy, cond = self._split(x, c)
            e_loss = self.energy_flow.train_epoch(
                energy, c, int(self.hparams["energy_batch_size"]), rng
            )
            loss = self._train_epoch(shape, cond, batch_size, rng)
            self.energy_history.append(e_loss)
            self.history.append(float(loss))
            self.epochs_trained += 1
            if verbose:
                print(
                    f"{self.name} epoch {self.epochs_trained}: loss {loss:.4f}, "
                    f"energy stage {e_loss:.4f} ({time.perf_counter() - start:.0f} s)",
                    flush=True,
                )
        self._calibrate_hits(voxels_gev, e_inc_gev, rng)
        return self

    def _calibrate_hits(
        self, voxels_gev: np.ndarray, e_inc_gev: np.ndarray, rng: np.random.Generator
    ) -> None:
        """Fit the per-voxel readout cut to the training showers' hit rates (after training)."""
        n_bins = min(int(self.hparams["hit_calibration_bins"]), len(e_inc_gev) // 100)
        if n_bins < 1 or not self.epochs_trained:
            return
        e_inc = np.asarray(e_inc_gev, dtype=np.float64).reshape(-1)
        c = self.preprocessor.condition(e_inc)
        x = np.concatenate(
            [self._sample_both(c[i : i + 20000], rng) for i in range(0, len(c), 20000)]
        )
        self.preprocessor.calibrate_hits(x, voxels_gev, e_inc, n_bins)

    def generate(self, e_inc_gev: np.ndarray, seed: int = 0, batch_size: int = 20000) -> np.ndarray:
        """Sample one shower per incident energy.

        Parameters
        ----------
        e_inc_gev
            (n,) incident energies, GeV.
        seed
            Seed of the sampling noise (same seed → same showers).
        batch_size
            Showers per network call.

        Returns
        -------
        numpy.ndarray
            (n, n_voxels) voxel energies, GeV.
        """
        if not self._built:
            raise RuntimeError(f"{self.name} is not trained: call fit(...) or load(...) first")
        e_inc = np.asarray(e_inc_gev, dtype=np.float64).reshape(-1)
        c = self.preprocessor.condition(e_inc)
        rng = np.random.default_rng(seed)
        parts = [
            self._sample_both(c[i : i + batch_size], rng) for i in range(0, len(c), batch_size)
        ]
        x = np.concatenate(parts) if parts else np.zeros((0, self.preprocessor.n_features))
        return self.preprocessor.inverse_transform(x, e_inc)

    def _sample_both(self, c: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        """Stage 1 (energy features), then stage 2 (shapes) given them: standardised features."""
        energy = self.energy_flow.sample(c, int(self.hparams["energy_steps"]), rng)
        shape = self._sample(np.concatenate([c, energy], axis=1), rng)
        return np.concatenate([shape, energy], axis=1)

    def n_parameters(self) -> int:
        """Number of weights needed for sampling (both stages)."""
        return int(self.sampling_network().count_params() + self.energy_flow.ema.count_params())

    # --- persistence ------------------------------------------------------
    def _networks(self) -> dict[str, tf.keras.Model]:
        """Weight-file suffix → network needed for sampling."""
        return {"weights": self.sampling_network(), "energy.weights": self.energy_flow.ema}

    def save(self, directory: str | Path, metadata: dict | None = None) -> Path:
        """Write ``NAME.weights.h5`` (stage-2 sampling network), ``NAME.energy.weights.h5``
        (stage 1) and ``NAME.json`` (settings, sha256 of both).

        Every file is written under a temporary name and moved into place.
        Returns the path of the JSON file.
        """
        if not self._built:
            raise RuntimeError(f"{self.name} is not trained: nothing to save")
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        files = {}
        for suffix, network in self._networks().items():
            path = directory / f"{self.name}.{suffix}.h5"
            tmp = directory / f".{self.name}.tmp.{suffix}.h5"
            network.save_weights(str(tmp))
            os.replace(tmp, path)
            files[path.name] = sha256_file(path)
        record = {
            "name": self.name,
            "class": type(self).__name__,
            "seed": self.seed,
            "learning_rate": self.learning_rate,
            "hparams": self.hparams,
            "epochs_trained": self.epochs_trained,
            "n_parameters": self.n_parameters(),
            "weight_files": files,
            "preprocessor": self.preprocessor.to_dict(),
            **(metadata or {}),
        }
        meta = directory / f"{self.name}.json"
        tmp_meta = directory / f".{self.name}.tmp.json"
        tmp_meta.write_text(json.dumps(record, indent=1) + "\n")
        os.replace(tmp_meta, meta)
        return meta

    @classmethod
    def from_record(cls, record: dict, directory: str | Path) -> ShowerGenerator:
        """Rebuild a generator from its JSON record and weight files, checking their sha256."""
        retrain = f"Retrain with: {record.get('command', '?')}"
        if "weight_files" not in record:
            raise ValueError(
                f"the record of {record.get('name', '?')!r} has no 'weight_files': it was written "
                f"by an older version of the package (single-stage generators). {retrain}"
            )
        for file, expected in record["weight_files"].items():
            path = Path(directory) / file
            if not path.exists():
                raise FileNotFoundError(f"weight file {path} is missing. {retrain}")
            actual = sha256_file(path)
            if actual != expected:
                raise ValueError(
                    f"{path} has sha256 {actual[:12]}…, the card records {expected[:12]}…: "
                    f"the file is damaged or stale. {retrain}"
                )
        gen = cls(seed=record["seed"], learning_rate=record["learning_rate"], **record["hparams"])
        gen.preprocessor = ShowerPreprocessor.from_dict(record["preprocessor"])
        gen._build_all()
        for suffix, network in gen._networks().items():
            network.load_weights(str(Path(directory) / f"{gen.name}.{suffix}.h5"))
        gen.epochs_trained = int(record["epochs_trained"])
        return gen
