"""Self-supervised masked-particle pre-training of the foundation backbone.

For every jet about ``mask_fraction`` of its real constituents are hidden: the
encoder sees a learned mask vector instead of their embedding, and a linear
head predicts each hidden particle's token (:class:`BinnedTokeniser` id,
softmax over the vocabulary).  The loss is the cross-entropy averaged over the
hidden particles only.  A held-out ``holdout_fraction`` of the jets measures
the masked-token accuracy.

Command line (reads constituents from a ROOT file; writes the folder
``OUT/backbone``, by default ``data/models/foundation/backbone``, the shipped one)::

    python -m hepml_course.foundation.pretrain --data FILE.root --seed 0 --epochs E \
        [--max-jets N] [--tree particles] [--out DIR] [--force]
"""

from __future__ import annotations

import argparse
import os
import platform
import shlex
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

from hepml_course import nn
from hepml_course.foundation._checks import check_constituents
from hepml_course.foundation.backbone import (
    ENCODER_NAME,
    BackboneConfig,
    backbone_model,
    flops_per_jet,
    make_encoder,
)
from hepml_course.foundation.tokeniser import BinnedTokeniser
from hepml_course.nn.artifacts import ArtifactError, read_artifact, sha256_file, write_artifact

#: ``kind`` of the record of a saved pre-trained backbone.
BACKBONE_KIND = "hepml-course-foundation-backbone/1"
#: The pre-training objective written in the record.
OBJECTIVE = "masked-particle"
#: The weights file inside a saved backbone folder.
WEIGHTS_NAME = "pretrain_model"
#: Label of the positions that are not scored (not hidden, or padding).
IGNORE = -1


#: Name of the backbone folder inside the output folder (``--out``).
BACKBONE_FOLDER = "backbone"


def default_out() -> Path:
    """The shipped output folder ``data/models/foundation`` (the backbone is its
    sub-folder :data:`BACKBONE_FOLDER`)."""
    from hepml_course.data.paths import REPO_ROOT

    return REPO_ROOT / "data" / "models" / "foundation"


# --- objective -----------------------------------------------------------------------------
def choose_hidden(mask: np.ndarray, fraction: float, rng: np.random.Generator) -> np.ndarray:
    """Pick the particles to hide, ``(n_jets, N)`` bool.

    In each jet ``max(1, round(fraction · n_real))`` of its real particles are
    chosen uniformly at random (padded slots are never chosen).
    """
    if not 0.0 < fraction < 1.0:
        raise ValueError(f"mask_fraction must be in (0, 1), got {fraction}")
    mask = np.asarray(mask, dtype=bool)
    keys = np.where(mask, rng.random(mask.shape), np.inf)
    rank = np.argsort(np.argsort(keys, axis=1), axis=1)
    n_hide = np.maximum(1, np.rint(fraction * mask.sum(axis=1))).astype(np.int64)
    return (rank < n_hide[:, None]) & mask


def masked_token_loss(y_true: Any, logits: Any) -> Any:
    """Mean cross-entropy over the scored positions (``y_true`` ≥ 0); others are ignored.

    ``y_true`` ``(B, N)`` token ids with :data:`IGNORE` where not scored;
    ``logits`` ``(B, N, vocab)``.  Returns a scalar (0 if nothing is scored).
    """
    ops = nn.import_keras().ops
    y = ops.cast(y_true, "int32")
    scored = ops.cast(y >= 0, logits.dtype)
    ce = ops.sparse_categorical_crossentropy(ops.maximum(y, 0), logits, from_logits=True)
    return ops.sum(ce * scored) / ops.maximum(ops.sum(scored), 1.0)


def masked_token_accuracy(y_true: Any, logits: Any) -> Any:
    """Fraction of scored positions whose most probable token is the true one (scalar)."""
    ops = nn.import_keras().ops
    y = ops.cast(y_true, "int32")
    scored = ops.cast(y >= 0, "float32")
    hit = ops.cast(ops.equal(ops.cast(ops.argmax(logits, axis=-1), "int32"), y), "float32")
    return ops.sum(hit * scored) / ops.maximum(ops.sum(scored), 1.0)


def pretrain_model(config: BackboneConfig, vocab_size: int) -> Any:
    """Keras model ``[features, mask, hide] → (B, N, vocab_size)`` token logits."""
    keras = nn.import_keras()
    x_in = keras.Input(shape=(config.n_particles, config.n_inputs), name="features")
    m_in = keras.Input(shape=(config.n_particles,), name="mask")
    h_in = keras.Input(shape=(config.n_particles,), name="hide")
    h = make_encoder(config)(x_in, m_in, h_in)
    logits = keras.layers.Dense(vocab_size, name="token_head")(h)
    return keras.Model([x_in, m_in, h_in], logits, name="masked_particle_model")


# --- the pre-trained backbone ------------------------------------------------------------
class PretrainedBackbone:
    """A pre-trained encoder with the preprocessing and tokeniser it was trained with.

    Made by :func:`pretrain_backbone` or :meth:`load`; given to
    :class:`~hepml_course.foundation.FoundationTagger` (``backbone=``).

    Attributes
    ----------
    config : BackboneConfig
        Architecture.
    scaler : ConstituentPreprocessor
        Standardisation of the 7 constituent inputs fitted on the pre-training jets
        (fine-tuning reuses it, it is not refitted).
    tokeniser : BinnedTokeniser
        The tokeniser of the pre-training targets.
    model : keras.Model
        ``[features, mask, hide] → token logits`` (encoder + token head).
    info : dict
        Facts of the training (seed, n_jets, epochs, train_s, history, holdout metrics ...).
    path : pathlib.Path or None
        Folder it was loaded from (``None`` if in memory only).
    """

    def __init__(
        self,
        config: BackboneConfig,
        scaler: Any,
        tokeniser: BinnedTokeniser,
        model: Any,
        info: dict[str, Any] | None = None,
        path: Path | None = None,
    ) -> None:
        self.config, self.scaler, self.tokeniser, self.model = config, scaler, tokeniser, model
        self.info = dict(info or {})
        self.path = path

    @property
    def encoder(self) -> Any:
        """The ``ParticleEncoder`` layer (shared with :attr:`model`)."""
        return self.model.get_layer(ENCODER_NAME)

    def backbone(self) -> Any:
        """Keras model ``[features, mask] → (B, N, dim)`` sharing the trained encoder."""
        return backbone_model(self.config, self.encoder)

    @property
    def n_params(self) -> int:
        """Parameters of the encoder (without the token head)."""
        return nn.count_parameters(self.encoder)

    @property
    def fingerprint(self) -> str:
        """The tokeniser's fingerprint (sha256 of its state)."""
        return self.tokeniser.fingerprint

    def transform(self, particles: Any, mask: Any) -> np.ndarray:
        """Per-particle vectors ``(n_jets, N, dim)`` of the encoder (zero at padding)."""
        parts, mask = check_constituents(particles, mask, n_particles=self.config.n_particles)
        feats = self.scaler.transform(parts, mask)
        return nn.predict(self.backbone(), [feats, mask.astype(np.float32)], batch_size=512)

    def save(
        self,
        path: str | Path,
        *,
        overwrite: bool = False,
        command: str | None = None,
        extra: dict[str, Any] | None = None,
    ) -> Path:
        """Write the backbone folder (weights + checksummed record) atomically.

        Parameters
        ----------
        path
            Folder to create; an existing one is replaced only with ``overwrite=True``.
        command
            The command that trained it (stored in the record).
        extra
            More JSON-able facts for the record.
        """
        record: dict[str, Any] = {
            "kind": BACKBONE_KIND,
            "objective": OBJECTIVE,
            "command": command if command is not None else self.info.get("command"),
            "config": self.config.to_dict(),
            "scaler": self.scaler.to_dict(),
            "tokeniser": self.tokeniser.to_dict(),
            "tokeniser_fingerprint": self.fingerprint,
            "n_params": self.n_params,
            "flops_per_jet": flops_per_jet(self.config),
            **{k: v for k, v in self.info.items() if k != "command"},
            "extra": extra or {},
        }
        with write_artifact(path, record, overwrite=overwrite) as writer:
            writer.keras_weights(WEIGHTS_NAME, self.model)
            record["weights_sha256"] = sha256_file(writer.folder / f"{WEIGHTS_NAME}.weights.h5")
        self.path = Path(path)
        return self.path

    @classmethod
    def load(
        cls, path: str | Path, *, tokeniser: BinnedTokeniser | None = None
    ) -> PretrainedBackbone:
        """Load a saved backbone after verifying every sha256.

        Parameters
        ----------
        path
            The folder written by :meth:`save`.
        tokeniser
            If given, the backbone must have been pre-trained with this tokeniser
            (same fingerprint), else :class:`~hepml_course.nn.ArtifactError`.

        Raises
        ------
        FileNotFoundError
            Nothing at ``path``.
        ArtifactError
            Damaged or modified files, a saved model of another kind, or another tokeniser.
        """
        from hepml_course.classification import ConstituentPreprocessor

        reader = read_artifact(path)
        record = reader.record
        if record.get("kind") != BACKBONE_KIND:
            what = record.get("class") or record.get("kind") or "something else"
            raise ArtifactError(
                f"{path} holds {what}, not a pre-trained foundation backbone "
                f"(kind {BACKBONE_KIND!r}): give the folder written by "
                "python -m hepml_course.foundation.pretrain"
            )
        try:
            config = BackboneConfig(**record["config"])
            stored = BinnedTokeniser.from_dict(record["tokeniser"])
            scaler = ConstituentPreprocessor.from_dict(record["scaler"])
        except (KeyError, TypeError, ValueError) as err:
            raise ArtifactError(
                f"{path}: its record lacks a valid config, tokeniser or scaler ({err}); "
                "re-run the pre-training"
            ) from err
        if stored.fingerprint != record.get("tokeniser_fingerprint"):
            raise ArtifactError(
                f"{path}: the stored tokeniser does not match the recorded fingerprint: "
                "the record is inconsistent; re-run the pre-training"
            )
        if tokeniser is not None and tokeniser.fingerprint != stored.fingerprint:
            raise ArtifactError(
                f"{path} was pre-trained with another tokeniser (fingerprint "
                f"{stored.fingerprint[:12]}…, given {tokeniser.fingerprint[:12]}…): its tokens "
                "mean other bins; use the tokeniser stored with the backbone (backbone.tokeniser)"
            )
        model = reader.keras_weights(WEIGHTS_NAME, pretrain_model(config, stored.vocab_size))
        skip = {"kind", "config", "scaler", "tokeniser", "files", "format", "record_sha256"}
        info = {k: v for k, v in record.items() if k not in skip}
        return cls(config, scaler, stored, model, info, Path(path))

    def __repr__(self) -> str:
        where = f", path={str(self.path)!r}" if self.path else ""
        return f"PretrainedBackbone({self.config}, n_params={self.n_params}{where})"


# --- training ------------------------------------------------------------------------------
def _targets(tokens: np.ndarray, hide: np.ndarray) -> np.ndarray:
    return np.where(hide, tokens, IGNORE).astype(np.int32)


def _evaluate(model: Any, inputs: list[np.ndarray], targets: np.ndarray) -> dict[str, float]:
    logits = nn.predict(model, inputs, batch_size=512)
    scored = targets >= 0
    y = targets[scored]
    z = logits[scored]
    z = z - z.max(axis=1, keepdims=True)
    logp = z[np.arange(len(y)), y] - np.log(np.exp(z).sum(axis=1))
    return {
        "loss": float(-logp.mean()),
        "masked_token_accuracy": float(np.mean(z.argmax(axis=1) == y)),
        "n_masked": int(scored.sum()),
    }


def pretrain_backbone(
    particles: Any,
    mask: Any,
    *,
    seed: int,
    epochs: int,
    batch_size: int = 256,
    learning_rate: float = 1e-3,
    mask_fraction: float = 0.3,
    holdout_fraction: float = 0.05,
    n_bins: tuple[int, int, int] = (8, 12, 12),
    dim: int = 64,
    heads: int = 4,
    n_blocks: int = 4,
    ffn_mult: int = 2,
    verbose: bool = False,
) -> PretrainedBackbone:
    """Pre-train a backbone by masked-particle modelling.

    Parameters
    ----------
    particles
        ``(n_jets, N, 4)`` constituents: pT [GeV], Δη, Δφ [rad], E [GeV],
        pT-ordered, zero padded (no labels needed).
    mask
        ``(n_jets, N)`` bool, True for real constituents (trailing padding).
    seed
        Seeds the hold-out split, the initial weights, the hidden particles of
        every epoch and the batch order (same seed → identical weights).
    epochs, batch_size, learning_rate
        Schedule (Adam, cosine decay of the rate to a tenth over the training).
    mask_fraction
        Share of each jet's real particles hidden per epoch.
    holdout_fraction
        Jets held out to measure the masked-token accuracy (fixed hidden particles).
    n_bins
        Tokeniser bins (log pT, Δη, Δφ), fitted on the training jets.
    dim, heads, n_blocks, ffn_mult
        Encoder architecture (:class:`BackboneConfig`).
    verbose
        Print one line per epoch.

    Returns
    -------
    PretrainedBackbone
        With ``info``: seed, n_jets, epochs, train_s, history (per-epoch ``loss``,
        ``masked_token_accuracy``, ``holdout_loss``, ``holdout_masked_token_accuracy``).
    """
    from hepml_course.classification import ConstituentPreprocessor

    if int(epochs) < 1:
        raise ValueError(f"epochs must be >= 1, got {epochs}")
    if not 0.0 < holdout_fraction < 0.5:
        raise ValueError(f"holdout_fraction must be in (0, 0.5), got {holdout_fraction}")
    parts, mask = check_constituents(particles, mask)
    config = BackboneConfig(parts.shape[1], 7, dim, heads, n_blocks, ffn_mult)
    n = len(parts)
    trn, hold = nn.split_indices(n, holdout_fraction, seed)
    if len(hold) == 0 or len(trn) < 2:
        raise ValueError(f"too few jets ({n}) to hold out {holdout_fraction:.0%} for validation")
    tokeniser = BinnedTokeniser(n_bins=n_bins).fit(parts[trn], mask[trn])
    scaler = ConstituentPreprocessor(config.n_particles).fit(parts[trn], mask[trn])
    feats = scaler.transform(parts, mask)
    tokens = tokeniser.transform(parts, mask)
    maskf = mask.astype(np.float32)

    rng = np.random.default_rng(np.random.SeedSequence([int(seed), 20260419]))
    hold_hide = choose_hidden(mask[hold], mask_fraction, rng)
    hold_inputs = [feats[hold], maskf[hold], hold_hide.astype(np.float32)]
    hold_targets = _targets(tokens[hold], hold_hide)

    keras = nn.import_keras()
    nn.seed_everything(seed)
    model = pretrain_model(config, tokeniser.vocab_size)
    steps = int(np.ceil(len(trn) / batch_size))
    schedule = keras.optimizers.schedules.CosineDecay(
        learning_rate, decay_steps=max(1, steps * int(epochs)), alpha=0.1
    )
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate=schedule),
        loss=masked_token_loss,
        metrics=[masked_token_accuracy],
    )
    history: dict[str, list[float]] = {
        "loss": [],
        "masked_token_accuracy": [],
        "holdout_loss": [],
        "holdout_masked_token_accuracy": [],
    }
    start = time.perf_counter()
    for epoch in range(int(epochs)):
        order = trn[rng.permutation(len(trn))]
        hide = choose_hidden(mask[order], mask_fraction, rng)
        fit = model.fit(
            [feats[order], maskf[order], hide.astype(np.float32)],
            _targets(tokens[order], hide),
            batch_size=batch_size,
            epochs=1,
            shuffle=False,
            verbose=0,
        )
        history["loss"].append(float(fit.history["loss"][-1]))
        history["masked_token_accuracy"].append(float(fit.history["masked_token_accuracy"][-1]))
        held = _evaluate(model, hold_inputs, hold_targets)
        history["holdout_loss"].append(held["loss"])
        history["holdout_masked_token_accuracy"].append(held["masked_token_accuracy"])
        if verbose:
            print(
                f"epoch {epoch + 1}/{epochs}: loss {history['loss'][-1]:.4f}, hold-out loss "
                f"{held['loss']:.4f}, masked-token accuracy {held['masked_token_accuracy']:.4f} "
                f"({time.perf_counter() - start:.0f} s)",
                flush=True,
            )
    train_s = time.perf_counter() - start
    info = {
        "seed": int(seed),
        "n_jets": int(n),
        "n_train": len(trn),
        "n_holdout": len(hold),
        "epochs": int(epochs),
        "batch_size": int(batch_size),
        "learning_rate": float(learning_rate),
        "mask_fraction": float(mask_fraction),
        "train_s": round(train_s, 2),
        "history": history,
        "final": {
            "loss": history["loss"][-1],
            "holdout_loss": history["holdout_loss"][-1],
            "holdout_masked_token_accuracy": history["holdout_masked_token_accuracy"][-1],
            "chance_accuracy": round(1.0 / tokeniser.n_tokens, 6),
        },
    }
    # an uncompiled copy: its saved weights hold no optimizer state (3x smaller files)
    weights_only = pretrain_model(config, tokeniser.vocab_size)
    weights_only.set_weights(model.get_weights())
    return PretrainedBackbone(config, scaler, tokeniser, weights_only, info)


# --- data and command line -----------------------------------------------------------------
def read_constituents(
    path: str | Path,
    *,
    tree: str = "particles",
    n_particles: int = 30,
    max_jets: int | None = None,
    seed: int = 0,
) -> tuple[np.ndarray, np.ndarray]:
    """Padded constituents ``(n_jets, n_particles, 4)`` and mask from a ROOT file.

    The tree must hold the jagged branches ``Part_pt`` [GeV], ``Part_deta``,
    ``Part_dphi`` [rad] and either ``Part_e`` [GeV] or the jet's ``j_eta`` (the
    energies are then massless, see
    :func:`hepml_course.classification.constituents`), as the trees
    ``particles`` of the datasets ``jets``, ``jets_v2`` and ``jets_unlabelled``.
    ``max_jets`` keeps a random subset of that many jets (seeded by ``seed``:
    the files are sorted by process, so the first N would be biased).
    """
    import awkward as ak
    import uproot

    from hepml_course.classification import constituents, pad_constituents

    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"no ROOT file at {path}: check --data")
    try:
        file = uproot.open(path)
    except Exception as exc:
        raise ValueError(f"{path} is not a readable ROOT file ({exc}); check --data") from exc
    with file:
        if tree not in file:
            raise ValueError(
                f"{path} has no tree {tree!r} (it has {sorted(file.keys())}): use --tree"
            )
        found = file[tree]
        keys = set(found.keys())
        branches = ["Part_pt", "Part_deta", "Part_dphi"]
        branches += ["Part_e"] if "Part_e" in keys else ["j_eta"]
        missing = [b for b in branches if b not in keys]
        if missing:
            raise ValueError(
                f"tree {tree!r} of {path} lacks the branches {missing}; need Part_pt, "
                "Part_deta, Part_dphi and Part_e or j_eta (as the jet datasets' tree 'particles')"
            )
        arrays = found.arrays(branches)
    if max_jets is not None:
        if max_jets < 1:
            raise ValueError(f"max_jets must be positive, got {max_jets}")
        if max_jets < len(arrays):
            keep = np.sort(np.random.default_rng(seed).choice(len(arrays), max_jets, replace=False))
            arrays = arrays[keep]
    part = {f: arrays[b] for b in branches if b.startswith("Part_") for f in [b[5:]]}
    fields = {"Part": ak.zip(part)}
    if "j_eta" in arrays.fields:
        fields["j_eta"] = arrays["j_eta"]
    jets = ak.zip(fields, depth_limit=1)
    return pad_constituents(constituents(jets), n_particles)


def command_line(args: argparse.Namespace) -> str:
    """The reproducible command of a pre-training (relative data path as given)."""
    cmd = (
        f"python -m hepml_course.foundation.pretrain --data {shlex.quote(str(args.data))} "
        f"--seed {args.seed} --epochs {args.epochs}"
    )
    if args.max_jets is not None:
        cmd += f" --max-jets {args.max_jets}"
    if args.tree != "particles":
        cmd += f" --tree {args.tree}"
    if args.n_particles != 30:
        cmd += f" --n-particles {args.n_particles}"
    if args.batch_size != 256:
        cmd += f" --batch-size {args.batch_size}"
    return cmd


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(
        prog="python -m hepml_course.foundation.pretrain", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--data", required=True, help="ROOT file with jet constituents")
    parser.add_argument("--tree", default="particles")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--epochs", type=int, required=True)
    parser.add_argument(
        "--max-jets", type=int, default=None, help="a random subset of N jets (seeded by --seed)"
    )
    parser.add_argument("--n-particles", type=int, default=30)
    parser.add_argument("--batch-size", type=int, default=256)
    parser.add_argument(
        "--out",
        default=None,
        help="output folder (default data/models/foundation); the backbone goes to OUT/backbone",
    )
    parser.add_argument("--force", action="store_true", help="replace an existing backbone folder")
    parser.add_argument("--quiet", action="store_true")
    args = parser.parse_args(argv)
    out = (Path(args.out) if args.out else default_out()) / BACKBONE_FOLDER
    if out.exists() and not args.force:
        parser.error(f"{out} already exists: choose another --out, or pass --force to replace it")
    data_sha = sha256_file(args.data) if Path(args.data).is_file() else None
    particles, mask = read_constituents(
        args.data,
        tree=args.tree,
        n_particles=args.n_particles,
        max_jets=args.max_jets,
        seed=args.seed,
    )
    start = time.perf_counter()
    backbone = pretrain_backbone(
        particles,
        mask,
        seed=args.seed,
        epochs=args.epochs,
        batch_size=args.batch_size,
        verbose=not args.quiet,
    )
    wall = time.perf_counter() - start
    extra = {
        "data_sha256": data_sha,
        "machine": f"{platform.machine()}, {os.cpu_count()} cores (shared)",
        "finished_utc": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "wall_s": round(wall, 1),
    }
    path = backbone.save(out, overwrite=args.force, command=command_line(args), extra=extra)
    final = backbone.info["final"]
    print(
        f"pre-trained on {backbone.info['n_jets']} jets in {wall:.1f} s "
        f"({backbone.n_params} parameters); hold-out masked-token accuracy "
        f"{final['holdout_masked_token_accuracy']:.4f}; saved {path}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
