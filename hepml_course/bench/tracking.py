"""``python -m hepml_course.bench tracking``: GNN tracking measured afresh on the shipped data.

Fits the geometric cuts on the training events, builds the graphs, scores the
edges of the test events with the Interaction Network, builds tracks and
matches them; the same for the classical baseline; then times graph building +
inference on the scaling events.  By default the network is the shipped
pre-trained one (``--train-epochs N`` trains a fresh one instead, ≈ 6 s per
epoch on 2 cores).
"""

from __future__ import annotations

import argparse


def run(argv: list[str]) -> dict:
    """Run the benchmark and return its JSON-able result."""
    parser = argparse.ArgumentParser(prog="python -m hepml_course.bench tracking")
    parser.add_argument("--train-epochs", type=int, default=0, help="train afresh (0: pre-trained)")
    parser.add_argument("--seed", type=int, default=6)
    parser.add_argument("--threshold", type=float, default=0.5)
    args = parser.parse_args(argv)

    from hepml_course.metrics.tracking import fit_scaling_exponent, measure
    from hepml_course.tracking import pipeline
    from hepml_course.tracking.gnn import EdgeClassifier
    from hepml_course.tracking.graph import GeometricCuts, build_graph
    from hepml_course.tracking.train import DECAY_TO, HIDDEN, ITERATIONS, LEARNING_RATE

    events = pipeline.load_events()
    cuts = GeometricCuts.fit(events[pipeline.TRAIN])
    if args.train_epochs > 0:
        train_graphs = [build_graph(h, cuts) for h in events[pipeline.TRAIN]]
        clf = EdgeClassifier(
            hidden=HIDDEN,
            iterations=ITERATIONS,
            learning_rate=LEARNING_RATE,
            epochs=args.train_epochs,
            decay_to=DECAY_TO,
        )
        clf.fit(train_graphs, seed=args.seed)
    else:
        clf = EdgeClassifier.load(pipeline.PRETRAINED)
    test = events[pipeline.TEST]
    graphs = [build_graph(h, cuts) for h in test]
    gnn = pipeline.evaluate(test, graphs, clf.predict(graphs), args.threshold)
    base = pipeline.evaluate(
        test, graphs, [pipeline.baseline_scores(g) for g in graphs], pipeline.BASELINE_THRESHOLD
    )

    sizes, seconds = [], []
    for hits in sorted(events[pipeline.SCALING] + events[pipeline.TEST][:1], key=len):
        t, _ = measure(lambda h=hits: clf.predict(build_graph(h, cuts)), repeats=3)
        sizes.append(len(hits))
        seconds.append(round(t, 4))
    result = gnn.as_dict()
    return {
        **result,
        "baseline": {
            "track_efficiency": round(base.track_efficiency, 4),
            "fake_rate": round(base.fake_rate, 4),
        },
        "scaling": {
            "n_hits": sizes,
            "seconds": seconds,
            "exponent": round(fit_scaling_exponent(sizes, seconds), 3),
        },
    }
