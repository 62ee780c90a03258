"""The whole chain on the ``tracking`` dataset: hits → graph → edge scores → tracks → metrics.

The shipped file (``data/tracking.md``, version 2) holds

* events 0–31 at 1,000 pions: 0–23 train, 24–31 test (the chapter's numbers);
* events 32–35: one each at 250, 500, 2,000 and 4,000 pions (scaling study);
* events 36–47: the density mixture, three events each at 250, 500, 2,000 and
  5,000 pions — the first two of each train the chain, the third is the
  validation event (the edge-filter threshold is chosen there);
* event 48: one event at 10,000 pions (the dense display of the chapter).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from hepml_course.metrics.tracking import (
    edge_efficiency_purity,
    match_tracks,
    trackml_score,
)
from hepml_course.tracking.graph import Graph, segment_features
from hepml_course.tracking.hits import Hits, event_hits
from hepml_course.tracking.tracks import build_tracks

TRAIN = slice(0, 24)
TEST = slice(24, 32)
SCALING = slice(32, 36)
MIXTURE = slice(36, 48)
DENSE = 48
#: Events of each multiplicity in the mixture: the last one validates.
MIXTURE_EVENTS_EACH = 3

#: Shipped pre-trained chain: module map, cuts, edge filter, Interaction Network
#: (see ``pretrained/README.md``).
PRETRAINED = Path(__file__).parent / "pretrained" / "chain"


def load_events(path: str | Path | None = None) -> list[Hits]:
    """All events of the ``tracking`` dataset as :class:`Hits` (shipped file by default)."""
    from hepml_course import data

    events = data.load("tracking", path=path)
    return [event_hits(events[i]) for i in range(len(events))]


def _mixture(events: Sequence[Hits]) -> list[Hits]:
    mixture = list(events[MIXTURE])
    if len(mixture) != MIXTURE.stop - MIXTURE.start:
        raise ValueError(
            f"the tracking file has {len(events)} events; the chain needs version 2 of the "
            "dataset (49 events, with the density mixture): regenerate it with "
            "`hepml-course data generate tracking`"
        )
    return mixture


def training_events(events: Sequence[Hits]) -> list[Hits]:
    """The chain's training events: the 24 chapter training events and 8 of the mixture."""
    mixture = _mixture(events)
    return list(events[TRAIN]) + [
        h for i, h in enumerate(mixture) if i % MIXTURE_EVENTS_EACH != MIXTURE_EVENTS_EACH - 1
    ]


def validation_events(events: Sequence[Hits]) -> list[Hits]:
    """The chain's validation events: the last mixture event of each multiplicity."""
    mixture = _mixture(events)
    return [h for i, h in enumerate(mixture) if i % MIXTURE_EVENTS_EACH == MIXTURE_EVENTS_EACH - 1]


def load_chain(path: str | Path | None = None):
    """The shipped :class:`~hepml_course.tracking.chain.TrackingChain` (or the one at ``path``)."""
    from hepml_course.tracking.chain import TrackingChain

    return TrackingChain.load(PRETRAINED if path is None else path)


def edge_pt(hits: Hits, graph: Graph) -> np.ndarray:
    """pT (GeV) of the particle of each edge's inner hit (NaN if unknown)."""
    return hits.hit_pt[graph.senders]


#: Edge-score threshold of the classical baseline (triplet compatibility).
BASELINE_THRESHOLD = 0.05


def baseline_scores(graph: Graph) -> np.ndarray:
    """Classical edge score without learning: the triplet compatibility of each edge.

    An edge scores high when the edge before or after it has the same φ slope
    (curvature) and z0 (origin on the beam line) within the widths measured on
    true segments — the idea of classical triplet seeding.  Use it with
    :data:`BASELINE_THRESHOLD`.
    """
    from hepml_course.tracking.graph import EDGE_FEATURES, EDGE_SCALES

    i = EDGE_FEATURES.index("triplet")
    return graph.edges[:, i] * EDGE_SCALES[i]


@dataclass
class Evaluation:
    """Metrics summed over several events (pT > ``pt_min_gev`` for efficiencies)."""

    edge_efficiency: float
    edge_purity: float
    track_efficiency: float
    fake_rate: float
    duplicate_rate: float
    trackml_score: float

    def as_dict(self) -> dict[str, float]:
        """Plain dict, rounded to 4 digits."""
        return {k: round(float(v), 4) for k, v in self.__dict__.items()}


def evaluate(
    hits_list: Sequence[Hits],
    graphs: Sequence[Graph],
    scores_list: Sequence[np.ndarray],
    threshold: float = 0.5,
    pt_min_gev: float = 1.0,
    min_hits: int = 5,
    clean: bool = True,
    min_track_hits: int = 3,
) -> Evaluation:
    """Edge and track metrics over events (counts summed, then divided).

    Parameters
    ----------
    hits_list, graphs, scores_list
        One entry per event (hits with truth, their graph, the edge scores).
    threshold
        Edge-score cut for the edge metrics and the track building.
    pt_min_gev, min_hits
        Reconstructable particles (pT in GeV, number of hits).
    clean
        Track-building clean-up (see :func:`~hepml_course.tracking.tracks.build_tracks`).
    min_track_hits
        Track candidates with fewer hits are dropped.
    """
    y_all, sel_all, hi_all = [], [], []
    n_rec = n_match = n_trk = n_fake = n_dup = 0
    score_num = score_den = 0.0
    for hits, graph, scores in zip(hits_list, graphs, scores_list, strict=True):
        if graph.y is None:
            raise ValueError("evaluate needs hits with truth (particle indices)")
        selected = np.asarray(scores) > threshold
        y_all.append(graph.y)
        sel_all.append(selected)
        hi_all.append(np.nan_to_num(edge_pt(hits, graph), nan=-1.0) > pt_min_gev)
        labels = build_tracks(
            len(hits),
            graph.senders,
            graph.receivers,
            scores,
            threshold,
            clean=clean,
            min_hits=min_track_hits,
            layers=hits.layer,
        )
        m = match_tracks(labels, hits.particle, hits.particle_pt, pt_min_gev, min_hits)
        n_rec += m["n_reconstructable"]
        n_match += m["n_matched"]
        n_trk += m["n_tracks"]
        n_fake += round(m["fake_rate"] * m["n_tracks"]) if m["n_tracks"] else 0
        n_dup += round(m["duplicate_rate"] * m["n_tracks"]) if m["n_tracks"] else 0
        known = float((hits.particle >= 0).sum())
        score_num += trackml_score(labels, hits.particle) * known
        score_den += known
    edges = edge_efficiency_purity(
        np.concatenate(y_all), np.concatenate(sel_all), np.concatenate(hi_all)
    )
    nan = float("nan")
    return Evaluation(
        edge_efficiency=edges["efficiency"],
        edge_purity=edges["purity"],
        track_efficiency=n_match / n_rec if n_rec else nan,
        fake_rate=n_fake / n_trk if n_trk else nan,
        duplicate_rate=n_dup / n_trk if n_trk else nan,
        trackml_score=score_num / score_den if score_den else nan,
    )


def segment_table(hits: Hits, graph: Graph) -> dict[str, np.ndarray]:
    """Raw (unscaled) segment features of a graph's edges: mm, rad, rad/mm."""
    return segment_features(hits, graph.senders, graph.receivers)
