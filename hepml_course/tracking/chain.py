"""The scalable tracking chain: module map → cuts → edge filter → GNN → tracks.

:class:`TrackingChain` holds the learned pieces (geometric cuts, module map,
edge filter and its threshold, Interaction Network) and runs them on one event,
timing every stage.  It is what the chapter's high-density section and
``python -m hepml_course.bench tracking`` use; ``python -m
hepml_course.tracking.train`` learns it and the shipped one lives in
``pretrained/chain`` (see ``pretrained/README.md``).

Stages (CPU time of each is reported in ``ChainOutput.time_ms``):

``graph``
    candidate pairs of the module map and the geometric cuts;
``filter``
    edge-filter features and scores, the surviving edges' triplet features
    (:func:`~hepml_course.tracking.graph.graph_from_pairs`);
``gnn``
    Interaction Network scores of the surviving edges;
``tracks``
    connected components with clean-up (:func:`~hepml_course.tracking.tracks.build_tracks`).
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from hepml_course.nn.artifacts import sha256_json
from hepml_course.tracking.edge_filter import EdgeFilter, filter_features
from hepml_course.tracking.gnn import EdgeClassifier
from hepml_course.tracking.graph import GeometricCuts, Graph, graph_from_pairs, segment_features
from hepml_course.tracking.hits import Hits
from hepml_course.tracking.module_map import ModuleMap, ModuleMapError
from hepml_course.tracking.tracks import build_tracks

if TYPE_CHECKING:
    from hepml_course.tracking.pipeline import Evaluation

#: Stages of the chain, in order (keys of ``ChainOutput.time_ms``).
STAGES = ("graph", "filter", "gnn", "tracks")
#: Format tag of the chain's settings file.
FORMAT = "hepml-course-tracking-chain/1"


@dataclass
class ChainOutput:
    """Everything one run of the chain produced for one event.

    Attributes
    ----------
    n_candidates
        Pairs that passed the module map and the geometric cuts.
    graph
        The graph given to the GNN (edges that passed the filter).
    scores
        GNN score per edge of ``graph``, shape (graph.n_edges,).
    labels
        Track id per hit (−1: no track), shape (n_hits,).
    time_ms
        CPU time per stage (process time, ms), keys :data:`STAGES` and ``"total"``.
    """

    n_candidates: int
    graph: Graph
    scores: np.ndarray
    labels: np.ndarray
    time_ms: dict[str, float] = field(default_factory=dict)


@dataclass
class TrackingChain:
    """Learned pieces of the chain and the thresholds that join them.

    Parameters
    ----------
    cuts
        Geometric segment selection.
    module_map
        Module pairs to search.
    edge_filter
        Fitted :class:`~hepml_course.tracking.edge_filter.EdgeFilter`.
    filter_threshold
        Keep candidates with filter score above this (chosen on validation events).
    classifier
        Fitted :class:`~hepml_course.tracking.gnn.EdgeClassifier`.
    threshold
        GNN score cut for track building.
    min_track_hits
        Track candidates with fewer hits are dropped (4, chosen on the
        validation and training events: short pieces of broken low-pT tracks are
        most duplicates).
    """

    cuts: GeometricCuts
    module_map: ModuleMap
    edge_filter: EdgeFilter
    filter_threshold: float
    classifier: EdgeClassifier
    threshold: float = 0.5
    min_track_hits: int = 4

    # --- the stages ------------------------------------------------------------
    def candidates(self, hits: Hits) -> tuple[np.ndarray, np.ndarray]:
        """Pairs of the module map that pass the geometric cuts: (senders, receivers).

        Raises
        ------
        ModuleMapError
            If the hits come from another geometry than the map's.
        """
        self.module_map.check_geometry(hits)
        senders, receivers = self.module_map.candidates(hits)
        keep = self.cuts.passes(segment_features(hits, senders, receivers))
        return senders[keep], receivers[keep]

    def filter_scores(self, hits: Hits, senders: np.ndarray, receivers: np.ndarray) -> np.ndarray:
        """Edge-filter score per candidate, shape (n_candidates,)."""
        return self.edge_filter.predict_proba(filter_features(hits, senders, receivers))

    def filtered_graph(self, hits: Hits) -> Graph:
        """The graph the GNN sees: candidates whose filter score passes the threshold."""
        senders, receivers = self.candidates(hits)
        keep = self.filter_scores(hits, senders, receivers) > self.filter_threshold
        return graph_from_pairs(hits, senders[keep], receivers[keep], self.cuts)

    def run(self, hits: Hits) -> ChainOutput:
        """Run every stage on one event and time each one (CPU time of the process)."""
        clock = time.process_time
        times: dict[str, float] = {}
        start = clock()
        senders, receivers = self.candidates(hits)
        times["graph"] = clock() - start
        start = clock()
        keep = self.filter_scores(hits, senders, receivers) > self.filter_threshold
        graph = graph_from_pairs(hits, senders[keep], receivers[keep], self.cuts)
        times["filter"] = clock() - start
        start = clock()
        scores = self.classifier.predict(graph) if graph.n_edges else np.zeros(0, dtype=np.float32)
        times["gnn"] = clock() - start
        start = clock()
        labels = build_tracks(
            len(hits),
            graph.senders,
            graph.receivers,
            scores,
            self.threshold,
            min_hits=self.min_track_hits,
            layers=hits.layer,
        )
        times["tracks"] = clock() - start
        time_ms = {k: round(1000 * v, 2) for k, v in times.items()}
        time_ms["total"] = round(sum(1000 * v for v in times.values()), 2)
        return ChainOutput(len(senders), graph, scores, labels, time_ms)

    # --- evaluation ----------------------------------------------------------------
    def evaluate(
        self,
        events: Sequence[Hits],
        outputs: Sequence[ChainOutput] | None = None,
        *,
        baseline: bool = False,
    ) -> Evaluation:
        """Edge and track metrics (pT > 1 GeV) of the chain, or of the triplet baseline.

        Parameters
        ----------
        events
            Events with truth.
        outputs
            Their :meth:`run` outputs (computed here if None).
        baseline
            Score the same graphs with the classical triplet compatibility
            (:func:`~hepml_course.tracking.pipeline.baseline_scores`) instead of the GNN.
        """
        from hepml_course.tracking.pipeline import (
            BASELINE_THRESHOLD,
            baseline_scores,
            evaluate,
        )

        events = list(events)
        outputs = [self.run(h) for h in events] if outputs is None else list(outputs)
        graphs = [o.graph for o in outputs]
        if baseline:
            scores, threshold = [baseline_scores(g) for g in graphs], BASELINE_THRESHOLD
        else:
            scores, threshold = [o.scores for o in outputs], self.threshold
        return evaluate(events, graphs, scores, threshold, min_track_hits=self.min_track_hits)

    # --- persistence --------------------------------------------------------------
    def _settings(self) -> dict:
        return {
            "format": FORMAT,
            "cuts": {
                "phi_slope_max": self.cuts.phi_slope_max,
                "z0_max": self.cuts.z0_max,
                "slope_sigma": self.cuts.slope_sigma,
                "z0_sigma": self.cuts.z0_sigma,
            },
            "filter_threshold": float(self.filter_threshold),
            "threshold": float(self.threshold),
            "min_track_hits": int(self.min_track_hits),
            "module_map": self.module_map.to_dict(),
        }

    def save(self, folder: str | Path, *, overwrite: bool = False, **record: object) -> Path:
        """Write the chain into ``folder`` (built in a temporary folder, then moved into place).

        ``folder/chain.json`` holds the cuts, thresholds and module map with its
        own sha256; ``edge_filter/`` and ``interaction_network/`` are the two
        networks' saved models (sha256-verified on load).  ``record`` keywords
        (command, seed, …) are passed to both networks' records.

        Raises
        ------
        FileExistsError
            If ``folder`` exists and ``overwrite`` is False, or if it exists and is
            not a tracking-chain folder (never replaced, whatever ``overwrite`` says).
        """
        folder = Path(folder)
        if folder.exists() and not overwrite:
            raise FileExistsError(f"{folder} exists; pass overwrite=True or choose another folder")
        if folder.exists() and not (folder / "chain.json").is_file():
            raise FileExistsError(
                f"{folder} exists and is not a tracking-chain folder (no chain.json): it is "
                "never replaced; choose a new folder name"
            )
        folder.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(dir=folder.parent, prefix=f".{folder.name}."))
        tmp.chmod(0o755)  # mkdtemp makes it private; a model folder is shared like any other
        try:
            settings = self._settings()
            settings["sha256"] = sha256_json(settings)
            (tmp / "chain.json").write_text(json.dumps(settings, indent=1))
            self.edge_filter.save(tmp / "edge_filter", **record)
            self.classifier.save(tmp / "interaction_network", **record)
            if folder.exists():
                old = folder.with_name(f".{folder.name}.old")
                shutil.rmtree(old, ignore_errors=True)
                os.replace(folder, old)
                os.replace(tmp, folder)
                shutil.rmtree(old, ignore_errors=True)
            else:
                os.replace(tmp, folder)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        return folder

    @classmethod
    def load(cls, folder: str | Path) -> TrackingChain:
        """Read a chain written by :meth:`save`, verifying every checksum.

        Raises
        ------
        FileNotFoundError
            If ``folder`` or one of its parts is missing.
        ModuleMapError
            If ``chain.json`` is corrupt, edited or of another format.
        hepml_course.nn.ArtifactError
            If a network's files fail their checksums.
        """
        folder = Path(folder)
        path = folder / "chain.json"
        if not path.is_file():
            raise FileNotFoundError(
                f"no tracking chain in {folder} (chain.json missing); train one with "
                "`python -m hepml_course.tracking.train --out FOLDER`"
            )
        try:
            settings = json.loads(path.read_text())
        except (UnicodeDecodeError, json.JSONDecodeError) as err:
            raise ModuleMapError(f"{path} is not a tracking-chain file ({err})") from err
        if not isinstance(settings, dict) or settings.get("format") != FORMAT:
            raise ModuleMapError(f"{path} is not a tracking-chain file of format {FORMAT!r}")
        expected = settings.pop("sha256", None)
        if expected != sha256_json(settings):
            raise ModuleMapError(
                f"{path} fails its checksum (edited or corrupt): retrain the chain or restore "
                "the file"
            )
        try:
            cuts = GeometricCuts(**settings["cuts"])
            numbers = (
                float(settings["filter_threshold"]),
                float(settings["threshold"]),
                int(settings["min_track_hits"]),
            )
        except (KeyError, TypeError, ValueError) as err:
            raise ModuleMapError(f"{path} lacks a setting or holds a bad one ({err!r})") from err
        return cls(
            cuts=cuts,
            module_map=ModuleMap.from_dict(settings["module_map"]),
            edge_filter=EdgeFilter.load(folder / "edge_filter"),
            filter_threshold=numbers[0],
            classifier=EdgeClassifier.load(folder / "interaction_network"),
            threshold=numbers[1],
            min_track_hits=numbers[2],
        )
