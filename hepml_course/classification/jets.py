"""The labelled jet datasets (``jets``, ``jets_v2``) as arrays for tagging: features, constituents.

Contract used by other chapters (the FPGA chapter trains its 16→64→32→32→5
tagger on :func:`load_hlf`): keep :data:`CLASS_NAMES`, :data:`HLF_FEATURES` and
the signature of :func:`load_hlf` stable.

:class:`JetInputs` is the one input container of every tagger of the chapter:
it carries the high-level features *and* the constituents of the same jets, and
each tagger reads what it needs, so comparison code never asks which model it
is feeding.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import awkward as ak
import numpy as np

from hepml_course import data
from hepml_course.data.datasets.jets import CLASS_NAMES as _DATASET_CLASSES
from hepml_course.data.datasets.jets import N_CONSTITUENTS
from hepml_course.data.jet_substructure import HLF_FEATURES as _DATASET_HLF
from hepml_course.nn.validation import check_array, check_lengths

#: Class names; the integer label of a jet is the position of its class here.
CLASS_NAMES: tuple[str, ...] = ("g", "q", "w", "z", "t")
#: The 16 high-level features of the hls4ml LHC jet dataset (branch names, hls4ml order).
HLF_FEATURES: tuple[str, ...] = _DATASET_HLF
#: Per-constituent quantities stored in the dataset, in the order of the last array axis.
PARTICLE_FIELDS: tuple[str, ...] = ("pt", "deta", "dphi", "e")
#: Extra jet-level branches returned alongside the features.
JET_KINEMATICS: tuple[str, ...] = ("j_pt", "j_eta", "j_mass", "j_tau21", "j_tau32")

assert CLASS_NAMES == _DATASET_CLASSES, "class order must match the dataset's labels"

#: The labelled jet datasets and their trees: ``jets`` (idealised, multi-parton interactions
#: off in the main trees) and ``jets_v2`` (realistic, MPI on; 10 000 jets per class).
LABELLED_TREES: dict[str, tuple[str, ...]] = {
    "jets": ("jets", "particles", "mpi_on"),
    "jets_v2": ("particles", "mpi_off"),
}


@dataclass(frozen=True)
class JetInputs:
    """The inputs of every tagger for one set of jets: features and constituents together.

    Feature taggers (BDT, DNN) read the columns they were configured with, by
    name, from :attr:`features`; particle taggers read :attr:`particles`,
    :attr:`mask` and the jet multiplicity.  Indexing (``inputs[idx]``) selects
    jets; ``len(inputs)`` counts them.

    Attributes
    ----------
    features
        float32 ``(n_jets, n_features)`` high-level features, columns named by
        :attr:`feature_names` (``j_mass_mmdt`` in GeV, the rest dimensionless).
    particles
        float32 ``(n_jets, n_particles, 4)``: constituent pT (GeV), Δη, Δφ (rad),
        E (GeV), pT-ordered (hardest first), zero-padded; ``None`` for
        feature-only inputs.
    mask
        bool ``(n_jets, n_particles)``: True for a real constituent (``None``
        exactly when ``particles`` is).
    feature_names
        Column names of :attr:`features` (default :data:`HLF_FEATURES`).
    """

    features: Any
    particles: Any = None
    mask: Any = None
    feature_names: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        names = tuple(self.feature_names) or HLF_FEATURES
        feats = check_array(self.features, name="features", n_features=len(names))
        object.__setattr__(self, "features", feats)
        object.__setattr__(self, "feature_names", names)
        if (self.particles is None) != (self.mask is None):
            raise ValueError("give both particles and mask, or neither")
        if self.particles is not None:
            parts = check_array(
                self.particles, name="particles", ndim=3, n_features=len(PARTICLE_FIELDS)
            )
            mask = np.asarray(self.mask, dtype=bool)
            if mask.shape != parts.shape[:2]:
                raise ValueError(
                    f"mask must have shape {parts.shape[:2]} (jets, particles), got {mask.shape}"
                )
            object.__setattr__(self, "particles", parts)
            object.__setattr__(self, "mask", mask)
            check_lengths(features=feats, particles=parts)

    def __len__(self) -> int:
        return len(self.features)

    def __getitem__(self, idx: Any) -> JetInputs:
        """The jets ``idx`` (slice, integer array or boolean mask) as a new container."""
        if isinstance(idx, int | np.integer):
            idx = slice(int(idx), int(idx) + 1)
        return JetInputs(
            self.features[idx],
            None if self.particles is None else self.particles[idx],
            None if self.mask is None else self.mask[idx],
            self.feature_names,
        )

    @property
    def n_particles(self) -> int:
        """Padding length of the constituents (0 without constituents)."""
        return 0 if self.particles is None else int(self.particles.shape[1])

    def columns(self, names: Sequence[str]) -> np.ndarray:
        """float32 ``(n_jets, len(names))``: the feature columns ``names``, in that order."""
        missing = [n for n in names if n not in self.feature_names]
        if missing:
            raise ValueError(
                f"the inputs lack the feature(s) {missing}; they have {list(self.feature_names)}"
            )
        return self.features[:, [self.feature_names.index(n) for n in names]]

    def hardest(self, n_particles: int) -> tuple[np.ndarray, np.ndarray]:
        """``(particles, mask)`` of the ``n_particles`` hardest constituents of each jet."""
        if self.particles is None:
            raise ValueError(
                "these jet inputs carry no constituents: load them with load_jets(...) "
                "(split.x_train / split.x_test)"
            )
        if self.n_particles < n_particles:
            raise ValueError(
                f"the constituents are padded to {self.n_particles} particles but the model "
                f"expects {n_particles}; load them with load_jets(n_particles={n_particles})"
            )
        return self.particles[:, :n_particles], self.mask[:, :n_particles]


@dataclass
class HLFSplit:
    """High-level features split into training and test sets.

    Attributes
    ----------
    x_train, x_test
        float32 arrays ``(n, 16)``, columns in :attr:`feature_names` order,
        *not* standardised (``j_mass_mmdt`` in GeV, the rest dimensionless).
    y_train, y_test
        int64 labels, indices into :attr:`class_names`.
    feature_names, class_names
        Column and class names.
    """

    x_train: np.ndarray
    x_test: np.ndarray
    y_train: np.ndarray
    y_test: np.ndarray
    feature_names: tuple[str, ...]
    class_names: tuple[str, ...]


@dataclass
class JetSplit:
    """Jets with high-level features *and* constituents, split into training and test sets.

    Attributes
    ----------
    hlf_train, hlf_test
        float32 ``(n, 16)`` high-level features (as in :class:`HLFSplit`).
    particles_train, particles_test
        float32 ``(n, n_particles, 4)``: constituent pT (GeV), Δη, Δφ (rad) and
        E (GeV), pT-ordered, zero-padded.
    mask_train, mask_test
        bool ``(n, n_particles)``: True for a real constituent, False for padding.
    jet_train, jet_test
        float32 ``(n, 5)`` jet kinematics :data:`JET_KINEMATICS` (GeV for pT and mass).
    y_train, y_test
        int64 labels.
    feature_names, class_names
        Names of the high-level feature columns and of the classes.
    """

    hlf_train: np.ndarray
    hlf_test: np.ndarray
    particles_train: np.ndarray
    particles_test: np.ndarray
    mask_train: np.ndarray
    mask_test: np.ndarray
    jet_train: np.ndarray
    jet_test: np.ndarray
    y_train: np.ndarray
    y_test: np.ndarray
    feature_names: tuple[str, ...]
    class_names: tuple[str, ...]

    @property
    def n_particles(self) -> int:
        """Padding length of the constituent arrays."""
        return self.particles_train.shape[1]

    @property
    def x_train(self) -> JetInputs:
        """The training jets as the taggers' input container."""
        return JetInputs(self.hlf_train, self.particles_train, self.mask_train, self.feature_names)

    @property
    def x_test(self) -> JetInputs:
        """The test jets as the taggers' input container."""
        return JetInputs(self.hlf_test, self.particles_test, self.mask_test, self.feature_names)


def _subsample(y: np.ndarray, max_jets: int | None, seed: int) -> np.ndarray:
    """Indices of a class-stratified random subsample of at most ``max_jets`` jets."""
    idx = np.arange(len(y))
    if max_jets is None or max_jets >= len(y):
        return idx
    if max_jets < 2 * len(CLASS_NAMES):
        raise ValueError(f"max_jets must be at least {2 * len(CLASS_NAMES)}, got {max_jets}")
    from sklearn.model_selection import train_test_split  # imported on use: it sets KMP_* vars

    keep, _ = train_test_split(idx, train_size=max_jets, random_state=seed, stratify=y)
    return np.sort(keep)


def _split(n: int, y: np.ndarray, test_fraction: float, seed: int) -> tuple:
    if not 0.0 < test_fraction < 1.0:
        raise ValueError(f"test_fraction must be in (0, 1), got {test_fraction}")
    from sklearn.model_selection import train_test_split

    return train_test_split(np.arange(n), test_size=test_fraction, random_state=seed, stratify=y)


def _matrix(jets: ak.Array, names: tuple[str, ...]) -> np.ndarray:
    x = np.stack([ak.to_numpy(jets[f]).astype(np.float32) for f in names], axis=1)
    if not np.all(np.isfinite(x)):
        bad = [names[i] for i in np.flatnonzero(~np.isfinite(x).all(axis=0))]
        raise ValueError(f"non-finite values (NaN/inf) in features {bad}; regenerate the data")
    return x


def _labelled_tree(dataset: str, tree: str | None) -> str:
    """The tree to read (the dataset's first if None); clear errors for other names."""
    if dataset not in LABELLED_TREES:
        raise ValueError(
            f"dataset {dataset!r} has no jet labels for tagging; choose one of "
            f"{list(LABELLED_TREES)} (jets_unlabelled is for pre-training: "
            "hepml_course.foundation)"
        )
    trees = LABELLED_TREES[dataset]
    if tree is None:
        return trees[0]
    if tree not in trees:
        raise ValueError(f"dataset {dataset!r} has the trees {list(trees)}, not {tree!r}")
    return tree


def load_hlf(
    test_fraction: float = 0.25,
    seed: int = 0,
    max_jets: int | None = None,
    tree: str | None = None,
    path: str | Path | None = None,
    dataset: str = "jets",
) -> HLFSplit:
    """The 16 high-level features and labels of the ``jets`` dataset, split for training.

    Parameters
    ----------
    test_fraction
        Fraction of jets in the test set (stratified by class).
    seed
        Seed of the subsampling and the split.
    max_jets
        Use a class-stratified random subset of this many jets (all if None).
    tree
        A tree of :data:`LABELLED_TREES` (default: the dataset's main tree).
        For ``jets``: ``"jets"`` (the main sample, multi-parton interactions
        off), ``"particles"`` (the main-sample jets that carry constituents) or
        ``"mpi_on"`` (a smaller sample with multi-parton interactions on); for
        ``jets_v2``: ``"particles"`` (MPI on) or ``"mpi_off"``.
    path
        Read another file of the dataset (e.g. a larger generated one).
    dataset
        ``"jets"`` or ``"jets_v2"``.

    Returns
    -------
    HLFSplit
    """
    tree = _labelled_tree(dataset, tree)
    jets = data.load(dataset, tree=tree, branches=["label", *HLF_FEATURES], path=path)
    y_all = ak.to_numpy(jets["label"]).astype(np.int64)
    keep = _subsample(y_all, max_jets, seed)
    x = _matrix(jets[keep], HLF_FEATURES)
    y = y_all[keep]
    train, test = _split(len(y), y, test_fraction, seed)
    return HLFSplit(x[train], x[test], y[train], y[test], HLF_FEATURES, CLASS_NAMES)


def constituents(jets: ak.Array) -> ak.Array:
    """The constituents of loaded jets as records with the fields :data:`PARTICLE_FIELDS`.

    Parameters
    ----------
    jets
        Jets as :func:`hepml_course.data.load` returns them, with the record
        field ``Part`` (``pt`` [GeV], ``deta``, ``dphi`` [rad] and, in ``jets``,
        ``e`` [GeV]) and, when ``Part`` has no ``e`` (``jets_v2`` and
        ``jets_unlabelled`` store no energies), the jet pseudorapidity ``j_eta``.

    Returns
    -------
    awkward.Array
        Jagged records (jets × constituents) with fields ``pt, deta, dphi, e``;
        a missing energy is the massless E = pT cosh(η_jet + Δη), which differs
        from the true one by m²/2E (< 1 % for a pion above 1 GeV).
    """
    if "Part" not in jets.fields:
        raise ValueError(
            f"the jets carry no constituents (fields {jets.fields}); load a tree with "
            "the Part_* branches, e.g. data.load('jets_v2', tree='particles')"
        )
    part = jets["Part"]
    if "e" in part.fields:
        return ak.zip({f: part[f] for f in PARTICLE_FIELDS})
    if "j_eta" not in jets.fields:
        raise ValueError(
            "these constituents have no stored energies; also load the branch j_eta "
            "(the massless energy needs the jet pseudorapidity)"
        )
    energy = part["pt"] * np.cosh(jets["j_eta"] + part["deta"])
    return ak.zip({"pt": part["pt"], "deta": part["deta"], "dphi": part["dphi"], "e": energy})


def pad_constituents(parts: ak.Array, n_particles: int) -> tuple[np.ndarray, np.ndarray]:
    """Pad/truncate jagged constituents to a fixed length.

    Parameters
    ----------
    parts
        Jagged records with fields :data:`PARTICLE_FIELDS` (jets × constituents).
    n_particles
        Output length (1 … 50); constituents beyond it (the softest) are dropped.

    Returns
    -------
    particles : numpy.ndarray
        float32 ``(n_jets, n_particles, 4)``, zeros where padded.
    mask : numpy.ndarray
        bool ``(n_jets, n_particles)``.
    """
    if not 1 <= n_particles <= N_CONSTITUENTS:
        raise ValueError(
            f"n_particles must be between 1 and {N_CONSTITUENTS} (the dataset stores the "
            f"{N_CONSTITUENTS} hardest constituents), got {n_particles}"
        )
    missing = [f for f in PARTICLE_FIELDS if f not in parts.fields]
    if missing:
        raise ValueError(f"constituents lack the field(s) {missing}; need {PARTICLE_FIELDS}")
    out = np.zeros((len(parts), n_particles, len(PARTICLE_FIELDS)), dtype=np.float32)
    counts = np.minimum(ak.to_numpy(ak.num(parts)), n_particles)
    mask = np.arange(n_particles)[None, :] < counts[:, None]
    for i, f in enumerate(PARTICLE_FIELDS):
        padded = ak.pad_none(parts[f][:, :n_particles], n_particles, clip=True)
        out[:, :, i] = ak.to_numpy(ak.fill_none(padded, 0.0))
    return out, mask


def load_jets(
    n_particles: int = 30,
    test_fraction: float = 0.25,
    seed: int = 0,
    max_jets: int | None = None,
    path: str | Path | None = None,
    dataset: str = "jets",
    tree: str = "particles",
) -> JetSplit:
    """Jets with constituents: high-level features, constituents, kinematics, labels.

    Every model of the chapter is trained and evaluated on this one split, so
    that their numbers compare the same jets.

    Parameters
    ----------
    n_particles
        Constituents kept per jet (the hardest ones), zero-padded to this length.
    test_fraction, seed, max_jets, path, dataset
        As in :func:`load_hlf`.
    tree
        A tree with constituents: ``"particles"`` (either dataset) or
        ``"mpi_off"`` (``jets_v2``).
    """
    tree = _labelled_tree(dataset, tree)
    if tree in ("jets", "mpi_on"):
        raise ValueError(
            f"tree {tree!r} of {dataset!r} has no constituents; use load_hlf(tree={tree!r}) "
            "or the tree 'particles'"
        )
    jets = data.load(dataset, tree=tree, path=path)
    y_all = ak.to_numpy(jets["label"]).astype(np.int64)
    keep = _subsample(y_all, max_jets, seed)
    jets = jets[keep]
    y = y_all[keep]
    hlf = _matrix(jets, HLF_FEATURES)
    kin = _matrix(jets, JET_KINEMATICS)
    parts, mask = pad_constituents(constituents(jets), n_particles)
    if not np.all(np.isfinite(parts)):
        raise ValueError("non-finite values (NaN/inf) in the constituents; regenerate the data")
    tr, te = _split(len(y), y, test_fraction, seed)
    return JetSplit(
        hlf[tr],
        hlf[te],
        parts[tr],
        parts[te],
        mask[tr],
        mask[te],
        kin[tr],
        kin[te],
        y[tr],
        y[te],
        HLF_FEATURES,
        CLASS_NAMES,
    )
