"""Train the Interaction Network on the shipped training events and save it.

``python -m hepml_course.tracking.train [--epochs N] [--seed S] [--out FOLDER]``
writes a saved model (a folder: ``record.json`` + ``interaction_network.weights.h5``,
both covered by sha256, see :mod:`hepml_course.nn.artifacts`) and prints the
checksums and the test-event metrics.  The shipped
``pretrained/interaction_network/`` was made with the defaults; its command,
seed and checksums are in ``pretrained/README.md``.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np

from hepml_course.tracking.graph import GeometricCuts, build_graph
from hepml_course.tracking.pipeline import PRETRAINED, TEST, TRAIN, evaluate, load_events

DEFAULT_EPOCHS = 25
DEFAULT_SEED = 6
HIDDEN = 32
ITERATIONS = 4
LEARNING_RATE = 5e-3
DECAY_TO = 0.1


def train(epochs: int = DEFAULT_EPOCHS, seed: int = DEFAULT_SEED, verbose: bool = True):
    """Fit cuts and classifier on the training events.

    Returns
    -------
    cuts, classifier, test_hits, test_graphs
    """
    from hepml_course.tracking.gnn import EdgeClassifier

    events = load_events()
    cuts = GeometricCuts.fit(events[TRAIN])
    graphs = [build_graph(h, cuts) for h in events]
    clf = EdgeClassifier(
        hidden=HIDDEN,
        iterations=ITERATIONS,
        learning_rate=LEARNING_RATE,
        epochs=epochs,
        decay_to=DECAY_TO,
    )
    clf.fit(graphs[TRAIN], seed=seed, verbose=verbose)
    return cuts, clf, events[TEST], graphs[TEST]


def evaluate_test(clf, test_hits, test_graphs) -> dict[str, float]:
    """Edge and track metrics of ``clf`` on the test events (threshold 0.5)."""
    return evaluate(test_hits, test_graphs, clf.predict(test_graphs), threshold=0.5).as_dict()


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=DEFAULT_EPOCHS)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--out", type=Path, default=PRETRAINED, help="saved-model folder")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    _, clf, test_hits, test_graphs = train(args.epochs, args.seed)
    wall = time.perf_counter() - start
    metrics = evaluate_test(clf, test_hits, test_graphs)
    command = "python -m hepml_course.tracking.train" + (
        f" --epochs {args.epochs} --seed {args.seed}" if argv else ""
    )
    from hepml_course import data
    from hepml_course.nn import read_artifact

    data_sha = data.info("tracking")["sha256"]
    clf.save(
        args.out,
        overwrite=True,
        command=command,
        seed=args.seed,
        extra={
            "epochs": args.epochs,
            "train_s": round(wall, 1),
            "test_metrics": metrics,
            "data_sha256": data_sha,
        },
    )
    record = read_artifact(args.out).record
    y = np.concatenate([g.y for g in test_graphs])
    print(f"trained {args.epochs} epochs in {wall:.0f} s ({clf.n_parameters} parameters)")
    print(f"test edges (all pT): {int(y.sum())} true of {len(y)}")
    print(
        "test metrics (pT > 1 GeV, threshold 0.5): "
        + ", ".join(f"{k} {v:.4f}" for k, v in metrics.items())
    )
    print(f"wrote {args.out}")
    for name, sha in record["files"].items():
        print(f"  {name} sha256 {sha}")
    print(f"  record.json record_sha256 {record['record_sha256']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
