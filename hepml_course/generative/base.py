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
persistence.  Every generator follows the package's model contract
(:class:`hepml_course.nn.Estimator`): keyword-only hyper-parameters,
``fit(voxels_gev, e_inc_gev, *, seed) -> self``, ``generate(e_inc_gev, *, seed)``,
and ``save``/``load`` of a folder whose record (hyper-parameters *and* the
preprocessing state) and weight files are covered by sha256.
"""

from __future__ import annotations

import time
from abc import abstractmethod
from collections.abc import Sequence
from typing import Any, ClassVar

import numpy as np

from hepml_course.generative.augmentation import AlphaSymmetry
from hepml_course.generative.networks import ConditionalFlow
from hepml_course.generative.preprocessing import NEVER, ShowerPreprocessor
from hepml_course.nn import Estimator, check_array, check_lengths, seed_everything
from hepml_course.nn.artifacts import ArtifactReader, ArtifactWriter


def layer_sizes(geometry: Any) -> tuple[int, ...]:
    """Voxels per layer of a geometry with ``layer_slices``."""
    return tuple(int(s.stop - s.start) for s in geometry.layer_slices)


def _tuple(values: Sequence[int] | None) -> tuple[int, ...] | None:
    return None if values is None else tuple(int(v) for v in values)


class ShowerGenerator(Estimator):
    """Base class: an energy-conditioned generator of calorimeter showers.

    Parameters (keyword-only, shared by every generator)
    ----------------------------------------------------
    layer_sizes
        Voxels per calorimeter layer, in voxel order (see
        :class:`~hepml_course.generative.preprocessing.ShowerPreprocessor`),
        e.g. :func:`layer_sizes` of the geometry; ``None``: one layer.
    alpha_bins
        Angular bins per layer (e.g. ``geometry.n_alpha``): if given, every
        epoch sees randomly rotated and mirrored training showers
        (:class:`~hepml_course.generative.augmentation.AlphaSymmetry`).
    epochs, batch_size, learning_rate
        Training length, mini-batch size and Adam learning rate of stage 2.
    energy_hidden, energy_steps, energy_batch_size
        The layer-energy stage: velocity-network widths, midpoint steps of its
        sampler, and its mini-batch size (it trains one epoch per generator epoch).
    hit_calibration_bins
        Bins in incident energy of the hit-rate calibration fitted after
        training (:meth:`~hepml_course.generative.preprocessing.ShowerPreprocessor.calibrate_hits`;
        at most one per 100 training showers; 0 switches it off).

    Attributes
    ----------
    preprocessor_ : ShowerPreprocessor
        Fitted preprocessing (saved inside the checksummed record).
    energy_flow_ : ConditionalFlow
        Stage 1.
    history_ : dict
        Per-epoch mean losses: ``loss`` (stage 2) and ``energy_loss`` (stage 1).
    epochs_trained_ : int
        Epochs run by ``fit``.
    train_s_ : float
        Wall time of ``fit``, seconds.
    """

    name: ClassVar[str] = "base"
    _fitted_attributes: ClassVar[tuple[str, ...]] = ("preprocessor_", "energy_flow_")

    def __init__(
        self,
        *,
        layer_sizes: Sequence[int] | None = None,
        alpha_bins: Sequence[int] | None = None,
        epochs: int = 10,
        batch_size: int = 128,
        learning_rate: float = 1e-3,
        energy_hidden: Sequence[int] = (64, 64, 64),
        energy_steps: int = 8,
        energy_batch_size: int = 64,
        hit_calibration_bins: int = 10,
    ) -> None:
        self.layer_sizes = _tuple(layer_sizes)
        self.alpha_bins = _tuple(alpha_bins)
        self.epochs = epochs
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.energy_hidden = tuple(energy_hidden)
        self.energy_steps = energy_steps
        self.energy_batch_size = energy_batch_size
        self.hit_calibration_bins = hit_calibration_bins

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
    def sampling_network(self) -> Any:
        """The stage-2 Keras network needed for sampling (its weights are what gets saved)."""

    # --- the two stages ---------------------------------------------------
    def _build_all(self, seed: int) -> None:
        """Create stage 1 (the layer-energy flow) and stage 2 (the subclass's networks)."""
        pre = self.preprocessor_
        n_energy = pre.n_features - pre.n_voxels_
        seed_everything(seed)
        self.energy_flow_ = ConditionalFlow(
            n_energy,
            1,
            self.energy_hidden,
            n_freq=4,
            ema_decay=0.999,
            learning_rate=1e-3,
            name="energy_velocity",
        )
        self._build(pre.n_voxels_, 1 + n_energy)

    def _symmetry(self) -> tuple[AlphaSymmetry | None, np.ndarray]:
        """The augmentation (None without ``alpha_bins``) and the dead cells (never hit)."""
        if self.alpha_bins is None:
            return None, np.zeros(0, dtype=int)
        pre = self.preprocessor_
        if not pre.layer_sizes:
            raise ValueError("alpha_bins needs layer_sizes: pass both to the generator")
        symmetry = AlphaSymmetry(pre.layer_sizes, self.alpha_bins)
        return symmetry, np.flatnonzero(pre.threshold_gev_ >= NEVER)

    def _split(self, x: np.ndarray, c: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Features → (shape columns, energy columns, stage-2 condition)."""
        n_vox = self.preprocessor_.n_voxels_
        shape, energy = x[:, :n_vox], x[:, n_vox:]
        return shape, energy, np.concatenate([c, energy], axis=1)

    # --- public API -------------------------------------------------------
    def fit(
        self,
        voxels_gev: Any,
        e_inc_gev: Any,
        *,
        sample_weight: Any = None,
        seed: int = 0,
        verbose: bool = False,
        max_train_s: float | None = None,
    ) -> ShowerGenerator:
        """Train on reference showers (from scratch).

        Parameters
        ----------
        voxels_gev
            (n_showers, n_voxels) voxel energies, GeV.
        e_inc_gev
            (n_showers,) incident energies, GeV.
        sample_weight
            Not supported (the generators learn unweighted showers): must be
            ``None``, or all equal.  Checked for length like every model's.
        seed
            Seeds the initial weights, the batches, the noise and the augmentation.
        verbose
            Print the losses after every epoch.
        max_train_s
            Stop after the epoch that exceeds this wall time (``epochs_trained_``
            says how many ran); ``None``: run all ``epochs``.
        """
        voxels, e_inc = self._check_training_showers(voxels_gev, e_inc_gev, sample_weight)
        if self.layer_sizes is not None and sum(self.layer_sizes) != voxels.shape[1]:
            raise ValueError(
                f"layer_sizes {self.layer_sizes} sum to {sum(self.layer_sizes)} voxels, "
                f"voxels_gev has {voxels.shape[1]}"
            )
        if int(self.epochs) < 0:
            raise ValueError(f"epochs must be >= 0, got {self.epochs}")
        self.preprocessor_ = ShowerPreprocessor(layer_sizes=self.layer_sizes).fit(voxels, e_inc)
        self._build_all(seed)
        self.seed_ = int(seed)
        self.history_ = {"loss": [], "energy_loss": []}
        self.epochs_trained_ = 0
        rng = np.random.default_rng(seed)
        symmetry, dead = self._symmetry()
        start = time.perf_counter()
        for _ in range(int(self.epochs)):
            showers = voxels if symmetry is None else symmetry.augment(voxels, rng, dead)
            # fresh dequantisation noise in the empty voxels every epoch
            x, c = self.preprocessor_.transform(showers, e_inc, rng=rng)
            shape, energy, cond = self._split(x, c)
            e_loss = self.energy_flow_.train_epoch(energy, c, int(self.energy_batch_size), rng)
            loss = self._train_epoch(shape, cond, int(self.batch_size), rng)
            self.history_["energy_loss"].append(float(e_loss))
            self.history_["loss"].append(float(loss))
            self.epochs_trained_ += 1
            elapsed = time.perf_counter() - start
            if verbose:
                print(
                    f"{self.name} epoch {self.epochs_trained_}: loss {loss:.4f}, "
                    f"energy stage {e_loss:.4f} ({elapsed:.0f} s)",
                    flush=True,
                )
            if max_train_s is not None and elapsed > max_train_s:
                break
        self._calibrate_hits(voxels, e_inc, rng)
        self.train_s_ = time.perf_counter() - start
        return self

    def _check_training_showers(
        self, voxels_gev: Any, e_inc_gev: Any, sample_weight: Any
    ) -> tuple[np.ndarray, np.ndarray]:
        """Validate ``fit``'s inputs: (voxels (n, n_voxels), energies (n,)) as float arrays."""
        voxels = check_array(voxels_gev, name="voxels_gev", dtype=np.float64)
        e_inc = np.asarray(e_inc_gev, dtype=np.float64)
        if e_inc.ndim != 1:
            raise ValueError(f"e_inc_gev must be 1-D (n_showers,), got shape {e_inc.shape}")
        check_lengths(voxels_gev=voxels, e_inc_gev=e_inc, sample_weight=sample_weight)
        if sample_weight is not None:
            w = np.asarray(sample_weight, dtype=np.float64)
            if not np.allclose(w, w.mean()):
                raise ValueError(
                    f"{type(self).__name__} does not support unequal sample weights; "
                    "select or resample the showers instead"
                )
        return voxels, e_inc

    def _calibrate_hits(
        self, voxels_gev: np.ndarray, e_inc_gev: np.ndarray, rng: np.random.Generator
    ) -> None:
        """Fit the per-voxel readout cut to the training showers' hit rates (after training)."""
        n_bins = min(int(self.hit_calibration_bins), len(e_inc_gev) // 100)
        if n_bins < 1 or not self.epochs_trained_:
            return
        c = self.preprocessor_.condition(e_inc_gev)
        x = np.concatenate(
            [self._sample_both(c[i : i + 20000], rng) for i in range(0, len(c), 20000)]
        )
        self.preprocessor_.calibrate_hits(x, voxels_gev, e_inc_gev, n_bins)

    def generate(
        self,
        e_inc_gev: Any,
        *,
        seed: int = 0,
        batch_size: int = 20000,
        allow_extrapolation: bool = False,
    ) -> np.ndarray:
        """Sample one shower per incident energy.

        Parameters
        ----------
        e_inc_gev
            (n,) incident energies, GeV (a 1-D array; a scalar is refused too),
            inside the training range (± 2 %).
        seed
            Seed of the sampling noise (same seed → same showers).
        batch_size
            Showers per network call.
        allow_extrapolation
            Accept energies outside the training range (unvalidated showers).

        Returns
        -------
        numpy.ndarray
            (n, n_voxels) voxel energies, GeV.
        """
        self._check_is_fitted()
        e_inc = np.asarray(e_inc_gev, dtype=np.float64)
        if e_inc.ndim != 1:
            raise ValueError(
                f"e_inc_gev must be a 1-D array of incident energies (n,), got shape {e_inc.shape}"
            )
        c = self.preprocessor_.condition(e_inc)
        if not allow_extrapolation:
            self.preprocessor_.check_energy_range(e_inc)
        rng = np.random.default_rng(seed)
        parts = [
            self._sample_both(c[i : i + batch_size], rng) for i in range(0, len(c), batch_size)
        ]
        x = np.concatenate(parts) if parts else np.zeros((0, self.preprocessor_.n_features))
        return self.preprocessor_.inverse_transform(x, e_inc)

    def _sample_both(self, c: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        """Stage 1 (energy features), then stage 2 (shapes) given them: standardised features."""
        energy = self.energy_flow_.sample(c, int(self.energy_steps), rng)
        shape = self._sample(np.concatenate([c, energy], axis=1), rng)
        return np.concatenate([shape, energy], axis=1)

    def n_parameters(self) -> int:
        """Number of weights needed for sampling (both stages)."""
        self._check_is_fitted()
        return int(self.sampling_network().count_params() + self.energy_flow_.count_params())

    # --- persistence (through hepml_course.nn.artifacts) -------------------
    def _save_state(self, writer: ArtifactWriter) -> dict[str, Any]:
        writer.keras_weights("energy_flow", self.energy_flow_.ema)
        writer.keras_weights("shape_network", self.sampling_network())
        return {
            "preprocessor": self.preprocessor_.to_dict(),
            "history": self.history_,
            "epochs_trained": self.epochs_trained_,
            "train_s": getattr(self, "train_s_", None),
            "n_parameters": self.n_parameters(),
        }

    def _load_state(self, reader: ArtifactReader, state: dict[str, Any]) -> None:
        self.preprocessor_ = ShowerPreprocessor.from_dict(state["preprocessor"])
        self._build_all(0)
        reader.keras_weights("energy_flow", self.energy_flow_.ema)
        reader.keras_weights("shape_network", self.sampling_network())
        self.history_ = state["history"]
        self.epochs_trained_ = int(state["epochs_trained"])
        self.train_s_ = state.get("train_s")
