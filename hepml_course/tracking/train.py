"""Learn the scalable tracking chain on the shipped training events and save it.

``python -m hepml_course.tracking.train [--epochs N] [--seed S] [--out FOLDER]``
learns, in order, on the training events (the 24 chapter events at 1,000 pions
and the density mixture at 250–5,000 pions, see :mod:`~hepml_course.tracking.pipeline`):

1. the geometric cuts (quantile :data:`CUT_QUANTILE` of true segments above 1 GeV,
   z0 at least :data:`Z0_SIGMAS` standard deviations of the luminous region);
2. the module map (:data:`N_PHI_SECTORS` × :data:`N_Z_SECTORS` sectors per layer);
3. the edge filter on all candidate pairs, and its threshold on the
   *validation* events (one per mixture multiplicity): the highest threshold
   that keeps :data:`FILTER_EFFICIENCY` of their true segments above 1 GeV;
4. the Interaction Network (mean aggregation) on the filtered graphs.

It writes a chain folder (see :class:`~hepml_course.tracking.chain.TrackingChain`)
and prints the checksums and the metrics on the chapter's test events.  The
shipped ``pretrained/chain/`` was made with the defaults; its command, seed and
checksums are in ``pretrained/README.md``.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from hepml_course.tracking.hits import Hits

DEFAULT_EPOCHS = 25
DEFAULT_SEED = 6
HIDDEN = 32
ITERATIONS = 4
AGGREGATION = "mean"
LEARNING_RATE = 5e-3
DECAY_TO = 0.1
#: Quantile of the geometric cuts.
CUT_QUANTILE = 0.999
#: The z0 cut is at least this many standard deviations of the luminous region
#: (a 0.995 quantile cut at 2.7 σ_z and lost whole vertices; 3.5 σ loses ≈ 5·10⁻⁴).
Z0_SIGMAS = 3.5
N_PHI_SECTORS = 256
N_Z_SECTORS = 48
#: Fraction of true segments (pT > 1 GeV) the filter keeps on the validation events.
FILTER_EFFICIENCY = 0.998
FILTER_EPOCHS = 15


def choose_filter_threshold(
    scores: np.ndarray, truth_high_pt: np.ndarray, efficiency: float = FILTER_EFFICIENCY
) -> float:
    """Highest threshold keeping ``efficiency`` of the marked true candidates.

    Parameters
    ----------
    scores
        Filter scores of validation candidates, shape (n,).
    truth_high_pt
        True segments of particles above the reconstruction pT, shape (n,), bool.
    efficiency
        Fraction of them to keep, in (0, 1].

    Raises
    ------
    ValueError
        With no marked candidate, or an efficiency outside (0, 1].
    """
    if not 0.0 < efficiency <= 1.0:
        raise ValueError(f"efficiency must be in (0, 1], got {efficiency}")
    kept = np.asarray(scores)[np.asarray(truth_high_pt, dtype=bool)]
    if len(kept) == 0:
        raise ValueError("no true high-pT candidate in the validation events")
    return float(np.quantile(kept, 1.0 - efficiency, method="lower")) - 1e-6


def _edge_truth(hits: Hits, senders: np.ndarray, receivers: np.ndarray) -> np.ndarray:
    particle = hits.particle
    return (particle[senders] == particle[receivers]) & (particle[senders] >= 0)


def _high_pt(hits: Hits, senders: np.ndarray, pt_min_gev: float = 1.0) -> np.ndarray:
    return np.nan_to_num(hits.hit_pt[senders], nan=-1.0) > pt_min_gev


def fit_chain(
    train_events: Sequence[Hits],
    validation_events: Sequence[Hits],
    *,
    epochs: int = DEFAULT_EPOCHS,
    filter_epochs: int = FILTER_EPOCHS,
    seed: int = DEFAULT_SEED,
    verbose: bool = True,
):
    """Learn cuts, module map, edge filter (+ threshold) and GNN.

    Parameters
    ----------
    train_events
        Events with truth for every learned piece.
    validation_events
        Events with truth for the filter threshold only.
    epochs, filter_epochs
        Training epochs of the GNN and of the filter.
    seed
        Seeds both networks.
    verbose
        Print progress.

    Returns
    -------
    hepml_course.tracking.chain.TrackingChain
    """
    from hepml_course.tracking.chain import TrackingChain
    from hepml_course.tracking.edge_filter import EdgeFilter, filter_features
    from hepml_course.tracking.gnn import EdgeClassifier
    from hepml_course.tracking.graph import GeometricCuts, graph_from_pairs
    from hepml_course.tracking.module_map import ModuleMap

    train_events, validation_events = list(train_events), list(validation_events)
    if not train_events or not validation_events:
        raise ValueError("fit_chain needs training and validation events")
    cuts = GeometricCuts.fit(
        train_events, pt_min_gev=1.0, quantile=CUT_QUANTILE, z0_sigmas=Z0_SIGMAS
    )
    module_map = ModuleMap.fit(train_events, n_phi=N_PHI_SECTORS, n_z=N_Z_SECTORS)
    placeholder = TrackingChain(cuts, module_map, EdgeFilter(), 0.0, EdgeClassifier())

    def candidates(events):
        out = []
        for hits in events:
            s, r = placeholder.candidates(hits)
            out.append((s, r, filter_features(hits, s, r)))
        return out

    train_cand = candidates(train_events)
    x = np.concatenate([f for _, _, f in train_cand])
    y = np.concatenate(
        [_edge_truth(h, s, r) for h, (s, r, _) in zip(train_events, train_cand, strict=True)]
    )
    if verbose:
        print(f"edge filter: {len(y)} candidate edges, {y.mean():.3f} true")
    edge_filter = EdgeFilter(epochs=filter_epochs).fit(x, y, seed=seed)
    del x, y
    val_scores, val_truth = [], []
    for hits, (s, r, f) in zip(validation_events, candidates(validation_events), strict=True):
        val_scores.append(edge_filter.predict_proba(f))
        val_truth.append(_edge_truth(hits, s, r) & _high_pt(hits, s))
    threshold = choose_filter_threshold(np.concatenate(val_scores), np.concatenate(val_truth))
    if verbose:
        print(f"filter threshold {threshold:.4f} (validation efficiency {FILTER_EFFICIENCY})")
    graphs = []
    for hits, (s, r, f) in zip(train_events, train_cand, strict=True):
        keep = edge_filter.predict_proba(f) > threshold
        graphs.append(graph_from_pairs(hits, s[keep], r[keep], cuts))
    classifier = EdgeClassifier(
        hidden=HIDDEN,
        iterations=ITERATIONS,
        aggregation=AGGREGATION,
        learning_rate=LEARNING_RATE,
        epochs=epochs,
        decay_to=DECAY_TO,
    )
    classifier.fit(graphs, seed=seed, verbose=verbose)
    return TrackingChain(cuts, module_map, edge_filter, threshold, classifier)


def evaluate_chain(chain, events: Sequence[Hits]) -> dict[str, float]:
    """Edge and track metrics of ``chain`` on events (pT > 1 GeV, GNN threshold of the chain)."""
    return chain.evaluate(events).as_dict()


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    from hepml_course import data
    from hepml_course.tracking import pipeline

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=DEFAULT_EPOCHS)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--out", type=Path, default=pipeline.PRETRAINED, help="chain folder")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    events = pipeline.load_events()
    chain = fit_chain(
        pipeline.training_events(events),
        pipeline.validation_events(events),
        epochs=args.epochs,
        seed=args.seed,
    )
    wall = time.perf_counter() - start
    test = events[pipeline.TEST]
    metrics = evaluate_chain(chain, test)
    command = "python -m hepml_course.tracking.train" + (
        f" --epochs {args.epochs} --seed {args.seed}" if argv else ""
    )
    chain.save(
        args.out,
        overwrite=True,
        command=command,
        seed=args.seed,
        extra={
            "epochs": args.epochs,
            "train_s": round(wall, 1),
            "test_metrics": metrics,
            "filter_threshold": chain.filter_threshold,
            "data_sha256": data.info("tracking")["sha256"],
        },
    )
    from hepml_course.nn import read_artifact, sha256_file

    print(f"trained in {wall:.0f} s (GNN {chain.classifier.n_parameters} parameters)")
    print(
        "test metrics (pT > 1 GeV, threshold 0.5): "
        + ", ".join(f"{k} {v:.4f}" for k, v in metrics.items())
    )
    print(f"wrote {args.out}")
    print(f"  chain.json sha256 {sha256_file(args.out / 'chain.json')}")
    for part in ("edge_filter", "interaction_network"):
        record = read_artifact(args.out / part).record
        for name, sha in record["files"].items():
            print(f"  {part}/{name} sha256 {sha}")
        print(f"  {part}/record.json record_sha256 {record['record_sha256']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
