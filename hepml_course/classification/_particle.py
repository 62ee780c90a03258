"""Common training/inference wrapper of the constituent-based taggers."""

from __future__ import annotations

from typing import Any

import numpy as np

from hepml_course.classification import _keras
from hepml_course.classification.preprocessing import CONSTITUENT_INPUTS, ConstituentPreprocessor


class ParticleTagger:
    """Preprocess padded constituents (fitted on training jets) and train a Keras model.

    Subclasses implement :meth:`build` (returning an uncompiled Keras model whose
    inputs are those listed by :meth:`inputs`).

    Parameters
    ----------
    n_particles
        Padding length (constituents per jet) the model is built for.
    epochs, batch_size, learning_rate, seed
        Training schedule (early stopping on 10 % of the training jets).
    n_classes
        Number of classes.
    use_multiplicity
        Also give the network the jet's total number of constituents (log,
        standardised) after the particle pooling.  The stored constituents are
        truncated to the ``n_particles`` hardest, which would otherwise hide the
        count — one of the best quark/gluon discriminants.
    """

    name = "particle"

    def __init__(
        self,
        n_particles: int = 30,
        epochs: int = 10,
        batch_size: int = 256,
        learning_rate: float = 2e-3,
        seed: int = 0,
        n_classes: int = 5,
        use_multiplicity: bool = True,
    ) -> None:
        self.n_particles = int(n_particles)
        self.use_multiplicity = use_multiplicity
        self._mult_stats: tuple[float, float] = (0.0, 1.0)
        self.epochs, self.batch_size, self.learning_rate = epochs, batch_size, learning_rate
        self.seed, self.n_classes = seed, n_classes
        self.preprocessor = ConstituentPreprocessor(self.n_particles)
        self.model: Any = None
        self.history: dict[str, list[float]] = {}
        self.train_s = 0.0

    def build(self) -> Any:  # pragma: no cover - abstract
        raise NotImplementedError

    @property
    def n_global(self) -> int:
        """Number of jet-level inputs joined after the pooling (0 or 1)."""
        return int(self.use_multiplicity)

    def _global(self, mask: np.ndarray, multiplicity: np.ndarray | None) -> list[np.ndarray]:
        if not self.use_multiplicity:
            return []
        if multiplicity is None:
            raise ValueError(
                f"{type(self).__name__} was built with use_multiplicity=True: pass the jets' "
                "total constituent counts (branch j_multiplicity) as `multiplicity`"
            )
        m = np.asarray(multiplicity, dtype=np.float64).reshape(-1)
        if len(m) != len(mask):
            raise ValueError(f"multiplicity has {len(m)} entries for {len(mask)} jets")
        if not np.all(np.isfinite(m)) or np.any(m < 1):
            raise ValueError("multiplicity must be finite counts >= 1")
        mu, sd = self._mult_stats
        return [((np.log(m) - mu) / sd).astype(np.float32)[:, None]]

    def inputs(
        self, particles: np.ndarray, mask: np.ndarray, multiplicity: np.ndarray | None = None
    ) -> list[np.ndarray]:
        """Model inputs: standardised features ``(n, N, 7)``, the mask as float ``(n, N)``
        and, with ``use_multiplicity``, the standardised log multiplicity ``(n, 1)``."""
        feats = self.preprocessor.transform(particles, mask)
        return [feats, np.asarray(mask, dtype=np.float32), *self._global(mask, multiplicity)]

    def fit(
        self,
        particles: np.ndarray,
        mask: np.ndarray,
        y: np.ndarray,
        multiplicity: np.ndarray | None = None,
    ) -> ParticleTagger:
        """Fit preprocessing and network on training jets.

        Parameters
        ----------
        particles
            ``(n_jets, n_particles, 4)``: pT (GeV), Δη, Δφ (rad), E (GeV).
        mask
            ``(n_jets, n_particles)`` bool, True for real constituents.
        y
            Integer labels.
        multiplicity
            ``(n_jets,)`` total constituent counts (needed with ``use_multiplicity``).
        """
        self.preprocessor.fit(particles, mask)
        if self.use_multiplicity and multiplicity is not None:
            logm = np.log(np.maximum(np.asarray(multiplicity, dtype=np.float64), 1.0))
            self._mult_stats = (float(logm.mean()), float(logm.std()) or 1.0)
        _keras.tf().keras.utils.set_random_seed(self.seed)
        self.model = self.build()
        self.history, self.train_s = _keras.train(
            self.model,
            self.inputs(particles, mask, multiplicity),
            y,
            self.epochs,
            self.batch_size,
            self.learning_rate,
            self.seed,
        )
        return self

    def predict_proba(
        self, particles: np.ndarray, mask: np.ndarray, multiplicity: np.ndarray | None = None
    ) -> np.ndarray:
        """Class probabilities ``(n_jets, n_classes)``."""
        if self.model is None:
            raise RuntimeError(f"{type(self).__name__} is not trained yet: call fit() first")
        return _keras.predict(self.model, self.inputs(particles, mask, multiplicity))

    @property
    def n_params(self) -> int:
        """Trainable parameters of the network."""
        return int(self.model.count_params()) if self.model is not None else 0

    @property
    def n_inputs(self) -> int:
        """Per-constituent input features."""
        return len(CONSTITUENT_INPUTS)
