"""Train the Interaction Network on the shipped training events and save its weights.

``python -m hepml_course.tracking.train [--epochs N] [--seed S] [--out FILE]``
writes the weights (``.npz``) and prints their sha256 and the test-event edge
metrics.  The shipped ``pretrained/interaction_network.npz`` was made with the
defaults; its command, seed and checksum are in ``pretrained/README.md``.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np

from hepml_course.data.rootio import sha256sum
from hepml_course.tracking.graph import GeometricCuts, build_graph
from hepml_course.tracking.pipeline import PRETRAINED, TEST, TRAIN, load_events

DEFAULT_EPOCHS = 25
DEFAULT_SEED = 6
HIDDEN = 32
ITERATIONS = 4
LEARNING_RATE = 5e-3


def train(epochs: int = DEFAULT_EPOCHS, seed: int = DEFAULT_SEED, verbose: bool = True):
    """Fit cuts and classifier on the training events; return (cuts, classifier, test graphs)."""
    from hepml_course.tracking.gnn import EdgeClassifier

    events = load_events()
    cuts = GeometricCuts.fit(events[TRAIN])
    graphs = [build_graph(h, cuts) for h in events]
    clf = EdgeClassifier(HIDDEN, ITERATIONS, LEARNING_RATE, seed)
    clf.fit(graphs[TRAIN], epochs=epochs, verbose=verbose, decay_to=0.1)
    return cuts, clf, graphs[TEST]


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=DEFAULT_EPOCHS)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--out", type=Path, default=PRETRAINED)
    args = parser.parse_args(argv)
    start = time.perf_counter()
    _, clf, test = train(args.epochs, args.seed)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    clf.save(args.out)
    y = np.concatenate([g.y for g in test])
    sel = np.concatenate([clf.predict(g) for g in test]) > 0.5
    print(f"trained {args.epochs} epochs in {time.perf_counter() - start:.0f} s")
    print(
        f"test edges: efficiency {(sel & y).sum() / y.sum():.4f}, "
        f"purity {(sel & y).sum() / sel.sum():.4f}"
    )
    print(f"wrote {args.out} sha256 {sha256sum(args.out)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
