"""Common machinery of the shower generators: fit, generate, save and load.

A generator learns the distribution of preprocessed showers
(:class:`~hepml_course.generative.preprocessing.ShowerPreprocessor`)
conditioned on the incident energy.  Subclasses only define their networks,
one training epoch and the sampler; this class handles the preprocessing,
seeding, batching and the weight files.
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

from hepml_course.generative.preprocessing import ShowerPreprocessor


def sha256_file(path: str | Path) -> str:
    """Hex sha256 of a file."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def mlp(
    n_in: int,
    n_out: int,
    hidden: tuple[int, ...],
    activation: str = "relu",
    out_activation: str | None = None,
    name: str = "mlp",
) -> tf.keras.Model:
    """A dense network with explicit input width (a small building block)."""
    inp = tf.keras.Input(shape=(n_in,), name=f"{name}_in")
    h = inp
    for i, width in enumerate(hidden):
        h = tf.keras.layers.Dense(width, activation=activation, name=f"{name}_dense{i}")(h)
    out = tf.keras.layers.Dense(n_out, activation=out_activation, name=f"{name}_out")(h)
    return tf.keras.Model(inp, out, name=name)


def layer_sizes(geometry) -> tuple[int, ...]:
    """Voxels per layer of a geometry with ``layer_slices``."""
    return tuple(int(s.stop - s.start) for s in geometry.layer_slices)


def batches(n: int, batch_size: int, rng: np.random.Generator):
    """Shuffled index batches covering ``range(n)`` once (the last one may be shorter)."""
    order = rng.permutation(n)
    for start in range(0, n, batch_size):
        yield order[start : start + batch_size]


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
        Architecture hyper-parameters of the subclass (see ``DEFAULTS``).
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
        unknown = set(hparams) - set(self.DEFAULTS)
        if unknown:
            raise TypeError(
                f"{type(self).__name__} has no hyper-parameter(s) {sorted(unknown)}; "
                f"known: {sorted(self.DEFAULTS)}"
            )
        self.seed = int(seed)
        self.learning_rate = float(learning_rate)
        self.hparams = {**self.DEFAULTS, **hparams}
        self.preprocessor = ShowerPreprocessor(layer_sizes=layer_sizes)
        self.history: list[float] = []
        self.epochs_trained = 0
        self._built = False

    # --- to implement -----------------------------------------------------
    @abstractmethod
    def _build(self, n_features: int) -> None:
        """Create the networks and optimisers for ``n_features`` columns."""

    @abstractmethod
    def _train_epoch(
        self, x: np.ndarray, c: np.ndarray, batch_size: int, rng: np.random.Generator
    ) -> float:
        """One pass over the training set; returns the mean loss."""

    @abstractmethod
    def _sample(self, c: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        """Standardised features for the standardised conditions ``c`` (n, 1)."""

    @abstractmethod
    def sampling_network(self) -> tf.keras.Model:
        """The network needed for sampling (its weights are what gets saved)."""

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
            tf.keras.utils.set_random_seed(self.seed)
            self._build(self.preprocessor.n_features)
            self._built = True
        rng = np.random.default_rng(self.seed + 1000 * self.epochs_trained)
        start = time.perf_counter()
        for _ in range(epochs):
            # fresh dequantisation noise in the empty voxels every epoch
            x, c = self.preprocessor.transform(voxels_gev, e_inc_gev, rng=rng)
            loss = self._train_epoch(x, c, batch_size, rng)
            self.history.append(float(loss))
            self.epochs_trained += 1
            if verbose:
                print(
                    f"{self.name} epoch {self.epochs_trained}: loss {loss:.4f} "
                    f"({time.perf_counter() - start:.0f} s)",
                    flush=True,
                )
        return self

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
        parts = [self._sample(c[i : i + batch_size], rng) for i in range(0, len(c), batch_size)]
        x = np.concatenate(parts) if parts else np.zeros((0, self.preprocessor.n_features))
        return self.preprocessor.inverse_transform(x, e_inc)

    def n_parameters(self) -> int:
        """Number of weights of the sampling network."""
        return int(self.sampling_network().count_params())

    # --- persistence ------------------------------------------------------
    def save(self, directory: str | Path, metadata: dict | None = None) -> Path:
        """Write ``NAME.weights.h5`` (sampling network) and ``NAME.json`` (settings, sha256).

        Returns the path of the JSON file.
        """
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        weights = directory / f"{self.name}.weights.h5"
        tmp = directory / f".{self.name}.tmp.weights.h5"
        self.sampling_network().save_weights(str(tmp))
        os.replace(tmp, weights)
        record = {
            "name": self.name,
            "class": type(self).__name__,
            "seed": self.seed,
            "learning_rate": self.learning_rate,
            "hparams": self.hparams,
            "epochs_trained": self.epochs_trained,
            "n_parameters": self.n_parameters(),
            "weights_file": weights.name,
            "weights_sha256": sha256_file(weights),
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
        """Rebuild a generator from its JSON record and weight file, checking the sha256."""
        weights = Path(directory) / record["weights_file"]
        if not weights.exists():
            raise FileNotFoundError(
                f"weight file {weights} is missing; retrain with: {record.get('command', '?')}"
            )
        actual = sha256_file(weights)
        if actual != record["weights_sha256"]:
            raise ValueError(
                f"{weights} has sha256 {actual[:12]}…, the card records "
                f"{record['weights_sha256'][:12]}…: the file is damaged or stale. Retrain with: "
                f"{record.get('command', '?')}"
            )
        gen = cls(seed=record["seed"], learning_rate=record["learning_rate"], **record["hparams"])
        gen.preprocessor = ShowerPreprocessor.from_dict(record["preprocessor"])
        tf.keras.utils.set_random_seed(gen.seed)
        gen._build(gen.preprocessor.n_features)
        gen._built = True
        gen.sampling_network().load_weights(str(weights))
        gen.epochs_trained = int(record["epochs_trained"])
        return gen


def sampling_call(model: tf.keras.Model, n_in: int):
    """A traced ``model(x)`` for any batch size (avoids re-tracing in loops)."""

    @tf.function(input_signature=[tf.TensorSpec([None, n_in], tf.float32)], reduce_retracing=True)
    def call(x):
        return model(x, training=False)

    return call
