"""A one-call student of the flow-matching generator (knowledge distillation).

The flow-matching generator samples by integrating an ODE: 2 × ``n_steps``
calls of its velocity network for the shapes, and as many of the small
layer-energy flow.  Its sampler is a *deterministic* map from Gaussian noise
to showers, so a second network can learn that map directly — a regression
from the noise (and the condition) to the teacher's output, one network call
per shower.  This is the idea of progressive/knowledge distillation of
diffusion models (Luhman & Luhman 2021; Salimans & Ho 2022) and of
CaloFlow's fast "student" (Krause & Shih 2021, arXiv:2110.11377), whose
speed-up of ~500 came at a small cost in accuracy.

The student here sees the noise of both teacher stages at once
(``[z_shape (n_voxels), z_energy (n_layers)]``) and the condition, and
predicts both stages' outputs in the standardised space of the teacher's
preprocessing, which it shares (a copy is saved with the student).  Training
pairs are drawn from the teacher at incident energies resampled from the
training showers; after training, the hit-rate calibration is fitted again
for the student, on the training showers (as for every generator).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any, ClassVar

import numpy as np

from hepml_course.generative.base import ShowerGenerator
from hepml_course.generative.networks import batches, sampling_call
from hepml_course.generative.preprocessing import ShowerPreprocessor
from hepml_course.nn import import_keras, mlp, seed_everything
from hepml_course.nn.artifacts import ArtifactReader, ArtifactWriter


class DistilledFlow(ShowerGenerator):
    """Fast generator: one network call per shower, distilled from a flow-matching teacher.

    Parameters
    ----------
    teacher
        Folder of a saved :class:`~hepml_course.generative.flow_matching.FlowMatching`
        generator (read by ``fit`` only; the student does not need it afterwards).
    teacher_steps
        Midpoint steps of the teacher's ODE when making training pairs
        (``None``: the teacher's own ``n_steps``).
    n_pairs
        (noise, shower) pairs drawn from the teacher.
    hidden
        Widths of the student network (an MLP with swish activations).
    energy_weight
        Weight of the layer-energy columns in the squared-error loss (1: like
        every voxel).  The five energy numbers decide the energy response;
        among 373 columns they would otherwise count for little.
    epochs, batch_size, learning_rate
        Regression training; the learning rate decays with a cosine to 0.
    hit_calibration_bins
        See :class:`~hepml_course.generative.base.ShowerGenerator`.

    Attributes
    ----------
    student_ : keras.Model
        ``[z (n_features), c (1)] → x (n_features)``, standardised features.
    teacher_record_sha256_ : str
        The sha256 of the teacher's record: which teacher was distilled.
    """

    name: ClassVar[str] = "distilled"
    _fitted_attributes: ClassVar[tuple[str, ...]] = ("preprocessor_", "student_")

    def __init__(
        self,
        *,
        teacher: str = "data/models/generative/flow_matching",
        teacher_steps: int | None = None,
        n_pairs: int = 200_000,
        hidden: Sequence[int] = (384, 384),
        energy_weight: float = 20.0,
        epochs: int = 40,
        batch_size: int = 512,
        learning_rate: float = 1e-3,
        hit_calibration_bins: int = 10,
        layer_sizes: Sequence[int] | None = None,
    ) -> None:
        super().__init__(
            layer_sizes=layer_sizes,
            epochs=epochs,
            batch_size=batch_size,
            learning_rate=learning_rate,
            hit_calibration_bins=hit_calibration_bins,
        )
        self.teacher = str(teacher)
        self.teacher_steps = teacher_steps
        self.n_pairs = n_pairs
        self.hidden = tuple(hidden)
        self.energy_weight = energy_weight

    # the base class's two-stage training hooks do not apply to a student
    def _build(self, n_features: int, n_cond: int) -> None:  # pragma: no cover - unused
        raise NotImplementedError

    def _train_epoch(self, x, c, batch_size, rng) -> float:  # pragma: no cover - unused
        raise NotImplementedError

    def _sample(self, c, rng) -> np.ndarray:  # pragma: no cover - unused
        raise NotImplementedError

    def sampling_network(self) -> Any:
        return self.student_

    def _column_scale(self) -> np.ndarray:
        """(n_features,) factors of the student's output space: √energy_weight on the energies."""
        pre = self.preprocessor_
        scale = np.ones(pre.n_features, dtype=np.float32)
        scale[pre.n_voxels_ :] = np.sqrt(float(self.energy_weight))
        return scale

    def _build_student(self, n_features: int) -> None:
        self.student_ = mlp(
            n_features + 1, self.hidden, n_features, activation="swish", name="student"
        )
        self._call = sampling_call(self.student_, n_features + 1)

    def _load_teacher(self) -> Any:
        from hepml_course.data.paths import REPO_ROOT
        from hepml_course.generative.flow_matching import FlowMatching

        path = Path(self.teacher)
        if not path.is_absolute() and not path.exists():
            path = REPO_ROOT / path
        if not (path / "record.json").exists():
            raise FileNotFoundError(
                f"teacher {self.teacher!r} is not a saved generator folder (no record.json); "
                "train one with: python -m hepml_course.generative.train flow_matching"
            )
        return FlowMatching.load(path)

    def teacher_pairs(
        self, teacher: Any, e_inc_gev: np.ndarray, rng: np.random.Generator
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(noise z, condition c, teacher output x) for ``len(e_inc_gev)`` showers.

        ``z`` is ``[z_shape, z_energy]`` (n, n_features); ``x`` is the teacher's
        standardised ``[shape, energy]`` features (n, n_features).
        """
        pre = teacher.preprocessor_
        n_vox, n_feat = pre.n_voxels_, pre.n_features
        steps = int(self.teacher_steps or teacher.n_steps)
        c = pre.condition(e_inc_gev)
        z = rng.standard_normal((len(c), n_feat)).astype(np.float32)
        xs = []
        for i in range(0, len(c), 20000):
            ci, zi = c[i : i + 20000], z[i : i + 20000]
            energy = teacher.energy_flow_.integrate(zi[:, n_vox:], ci, int(teacher.energy_steps))
            shape = teacher.flow_.integrate(zi[:, :n_vox], np.concatenate([ci, energy], 1), steps)
            xs.append(np.concatenate([shape, energy], axis=1))
        return z, c, np.concatenate(xs)

    def fit(
        self,
        voxels_gev: Any,
        e_inc_gev: Any,
        *,
        sample_weight: Any = None,
        seed: int = 0,
        verbose: bool = False,
        max_train_s: float | None = None,
    ) -> DistilledFlow:
        """Distil the teacher; the showers give the energies and the hit calibration.

        Parameters
        ----------
        voxels_gev
            (n_showers, n_voxels) training showers, GeV (for the hit-rate calibration).
        e_inc_gev
            (n_showers,) their incident energies, GeV; the pairs' energies are
            resampled from them.
        sample_weight
            Must be ``None`` or all equal (see the base class).
        seed
            Seeds the pairs, the initial weights and the batches.
        verbose
            Print the loss after every epoch.
        max_train_s
            Stop after the epoch that exceeds this wall time.
        """
        voxels, e_inc = self._check_training_showers(voxels_gev, e_inc_gev, sample_weight)
        keras = import_keras()
        teacher = self._load_teacher()
        pre = teacher.preprocessor_
        if pre.n_voxels_ != voxels.shape[1]:
            raise ValueError(
                f"the teacher generates {pre.n_voxels_} voxels, the showers have {voxels.shape[1]}"
            )
        if float(self.energy_weight) <= 0:
            raise ValueError(f"energy_weight must be > 0, got {self.energy_weight}")
        if self.layer_sizes is None:
            self.layer_sizes = pre.layer_sizes
        self.preprocessor_ = ShowerPreprocessor.from_dict(pre.to_dict())
        self.teacher_record_sha256_ = str(teacher.record_.get("record_sha256", ""))
        rng = np.random.default_rng(seed)
        start = time.perf_counter()
        z, c, x = self.teacher_pairs(teacher, rng.choice(e_inc, int(self.n_pairs)), rng)
        self.pairs_s_ = time.perf_counter() - start
        seed_everything(seed)
        n_feat = x.shape[1]
        self._build_student(n_feat)
        inputs = np.concatenate([z, c], axis=1)
        x = x * self._column_scale()  # a weighted squared error, as a plain one
        steps = max(1, int(self.epochs)) * -(-len(x) // int(self.batch_size))
        schedule = keras.optimizers.schedules.CosineDecay(float(self.learning_rate), steps)
        self.student_.compile(optimizer=keras.optimizers.Adam(schedule), loss="mse")
        self.seed_ = int(seed)
        self.history_ = {"loss": []}
        self.epochs_trained_ = 0
        for _ in range(int(self.epochs)):
            losses = [
                float(self.student_.train_on_batch(inputs[idx], x[idx]))
                for idx in batches(len(x), int(self.batch_size), rng)
            ]
            self.history_["loss"].append(float(np.mean(losses)))
            self.epochs_trained_ += 1
            elapsed = time.perf_counter() - start
            if verbose:
                print(
                    f"distilled epoch {self.epochs_trained_}: loss {self.history_['loss'][-1]:.4f}"
                    f" ({elapsed:.0f} s)",
                    flush=True,
                )
            if max_train_s is not None and elapsed > max_train_s:
                break
        # keep only the weights for sampling (the compiled model also carries Adam's state)
        trained = self.student_
        self._build_student(n_feat)
        self.student_.set_weights(trained.get_weights())
        # the student's own hit-rate calibration (its output differs from the teacher's)
        self.preprocessor_.hit_log_cut_ = None
        self.preprocessor_.hit_bin_edges_ = None
        self._calibrate_hits(voxels, e_inc, rng)
        self.train_s_ = time.perf_counter() - start
        return self

    def _sample_both(self, c: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        n_feat = self.preprocessor_.n_features
        z = rng.standard_normal((len(c), n_feat), dtype=np.float32)
        out = self._call(np.concatenate([z, np.asarray(c, np.float32)], axis=1)).numpy()
        return out / self._column_scale()

    def n_parameters(self) -> int:
        """Number of weights needed for sampling (one network)."""
        self._check_is_fitted()
        return int(self.student_.count_params())

    def _save_state(self, writer: ArtifactWriter) -> dict[str, Any]:
        writer.keras_weights("student", self.student_)
        return {
            "preprocessor": self.preprocessor_.to_dict(),
            "history": self.history_,
            "epochs_trained": self.epochs_trained_,
            "train_s": getattr(self, "train_s_", None),
            "n_parameters": self.n_parameters(),
            "teacher_record_sha256": self.teacher_record_sha256_,
        }

    def _load_state(self, reader: ArtifactReader, state: dict[str, Any]) -> None:
        self.preprocessor_ = ShowerPreprocessor.from_dict(state["preprocessor"])
        self._build_student(self.preprocessor_.n_features)
        reader.keras_weights("student", self.student_)
        self.history_ = state["history"]
        self.epochs_trained_ = int(state["epochs_trained"])
        self.train_s_ = state.get("train_s")
        self.teacher_record_sha256_ = state.get("teacher_record_sha256")
