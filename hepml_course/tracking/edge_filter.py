"""Edge filter: a small MLP that removes most fake candidate segments before the GNN.

A candidate segment a → b (layers *l*, *l + 1*) is described by its own
geometry and by how well it *continues*: the segment, extended as a helix from
the beam line (constant Δφ/Δr and Δz/Δr), predicts where the particle crosses
layer *l + 2* (outwards from b) and layer *l − 1* (inwards from a).  The
nearest hits to those predictions are found with a KD-tree per layer
(:class:`scipy.spatial.cKDTree`, ``k`` neighbours, O(log n) each), and the
best normalised residual is a feature.  A true segment almost always has a hit
where it points; a fake one, made of two unrelated hits, rarely does — unless
the event is so dense that some hit is close anyway, which the network learns
from the training mixture of densities.

The cost is O(n_candidates × k × log n_hits), with no enumeration of pairs of
segments: the triplet features of the GNN are computed afterwards, on the few
surviving edges only.

:class:`EdgeFilter` follows the model contract: ``X`` is the (n_edges,
n_features) matrix of :func:`filter_features`, ``y`` the truth per edge.
"""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np

from hepml_course import nn
from hepml_course.tracking.hits import N_LAYERS, Hits

#: Columns of :func:`filter_features`, in this order.
FILTER_FEATURES = (
    "layer",
    "z_inner",
    "phi_slope",
    "z0",
    "cot_theta",
    "dr",
    "forward_chi2",
    "backward_chi2",
    "forward_missing",
    "backward_missing",
)
#: Scales of the continuation residuals (rφ, z), mm, at one unit of extrapolation
#: distance per 100 mm; the χ² of a residual is ``(Δrφ / σ_rφ)² + (Δz / σ_z)²``.
RESIDUAL_SCALE_MM = (0.5, 2.0)
#: Weight of z in the KD-tree metric (z predictions are less precise than φ ones).
Z_WEIGHT = 0.5
#: Largest χ² reported (a missing neighbour counts as this).
CHI2_CAP = 1e4


def _wrap(dphi: np.ndarray) -> np.ndarray:
    return (dphi + np.pi) % (2 * np.pi) - np.pi


def _layer_trees(x: np.ndarray, y: np.ndarray, z: np.ndarray, layer: np.ndarray) -> list:
    from scipy.spatial import cKDTree

    trees: list[tuple[Any, np.ndarray] | None] = []
    for lay in range(N_LAYERS):
        on = np.flatnonzero(layer == lay)
        if len(on) == 0:
            trees.append(None)
            continue
        pts = np.stack([x[on], y[on], z[on] * Z_WEIGHT], axis=1)
        trees.append((cKDTree(pts), on))
    return trees


def _continuation_chi2(
    cyl: tuple[np.ndarray, np.ndarray, np.ndarray],
    start: np.ndarray,
    target_layer: np.ndarray,
    slope: np.ndarray,
    cot: np.ndarray,
    trees: list,
    layer_radius: np.ndarray,
    k: int,
) -> tuple[np.ndarray, np.ndarray]:
    """Best χ² of hits on ``target_layer`` near the helix extension from hit ``start``."""
    r, phi, z = cyl
    chi2 = np.full(len(start), CHI2_CAP)
    missing = np.ones(len(start), dtype=bool)
    for lay in range(N_LAYERS):
        sel = np.flatnonzero(target_layer == lay)
        if len(sel) == 0 or trees[lay] is None:
            continue
        tree, index = trees[lay]
        first = start[sel]
        r0, phi0, z0 = r[first], phi[first], z[first]
        s_sel, c_sel = slope[sel], cot[sel]
        step = layer_radius[lay] - r0
        phi_p = phi0 + s_sel * step
        query = np.empty((len(sel), 3))
        query[:, 0] = layer_radius[lay] * np.cos(phi_p)
        query[:, 1] = layer_radius[lay] * np.sin(phi_p)
        query[:, 2] = Z_WEIGHT * (z0 + c_sel * step)
        kk = min(k, len(index))
        _, found = tree.query(query, k=kk, workers=-1)
        nearest = index[np.asarray(found).reshape(len(sel), kk)]
        # residuals at each neighbour's own radius, in units that grow with the
        # extrapolation distance (multiple scattering)
        dist = r[nearest] - r0[:, None]
        scale = np.maximum(np.abs(dist) * 0.01, 0.2)
        d_rphi = r[nearest] * _wrap(phi[nearest] - phi0[:, None] - s_sel[:, None] * dist)
        d_z = z[nearest] - z0[:, None] - c_sel[:, None] * dist
        c = (d_rphi / (RESIDUAL_SCALE_MM[0] * scale)) ** 2 + (
            d_z / (RESIDUAL_SCALE_MM[1] * scale)
        ) ** 2
        chi2[sel] = np.minimum(c.min(axis=1), CHI2_CAP)
        missing[sel] = False
    return chi2, missing


def filter_features(
    hits: Hits, senders: np.ndarray, receivers: np.ndarray, *, k: int = 3
) -> np.ndarray:
    """Features of candidate segments for :class:`EdgeFilter`.

    Parameters
    ----------
    hits
        Hits of one event.
    senders, receivers
        (n_edges,) hit indices of the candidates (inner, outer).
    k
        Neighbours examined around each predicted crossing point.

    Returns
    -------
    numpy.ndarray
        float32 array of shape (n_edges, len(FILTER_FEATURES)): layer index,
        z of the inner hit (m), Δφ/Δr (rad/m), z0 (m), Δz/Δr, Δr (m), log(1 + χ²)
        of the best continuation outwards and inwards, and 0/1 flags for a
        continuation layer that does not exist (first and last layer).
    """
    senders = np.asarray(senders, dtype=np.int64)
    receivers = np.asarray(receivers, dtype=np.int64)
    n = len(senders)
    out = np.zeros((n, len(FILTER_FEATURES)), dtype=np.float32)
    if n == 0:
        return out
    r, phi, z = hits.r, hits.phi, hits.z
    dr = r[receivers] - r[senders]
    dr = np.where(np.abs(dr) > 1e-6, dr, 1e-6)
    slope = _wrap(phi[receivers] - phi[senders]) / dr
    cot = (z[receivers] - z[senders]) / dr
    layer = hits.layer[senders].astype(np.int64)
    radius = np.zeros(N_LAYERS)
    for lay in range(N_LAYERS):
        on = hits.layer == lay
        if on.any():
            radius[lay] = float(np.median(r[on]))
    trees = _layer_trees(hits.x, hits.y, z, hits.layer)
    cyl = (r, phi, z)
    fwd, fwd_missing = _continuation_chi2(
        cyl, receivers, np.where(layer + 2 < N_LAYERS, layer + 2, -1), slope, cot, trees, radius, k
    )
    bwd, bwd_missing = _continuation_chi2(
        cyl, senders, np.where(layer >= 1, layer - 1, -1), slope, cot, trees, radius, k
    )
    z_in = z[senders]
    out[:, 0] = layer
    out[:, 1] = z_in / 1000.0
    out[:, 2] = slope * 1000.0
    out[:, 3] = (z_in - r[senders] * cot) / 1000.0
    out[:, 4] = cot
    out[:, 5] = dr / 1000.0
    out[:, 6] = np.log1p(fwd)
    out[:, 7] = np.log1p(bwd)
    out[:, 8] = fwd_missing
    out[:, 9] = bwd_missing
    return out


class EdgeFilter(nn.Estimator):
    """Standardise :func:`filter_features` and classify candidate segments with a small MLP.

    Parameters
    ----------
    hidden
        Hidden-layer widths (ReLU).
    epochs, batch_size, learning_rate
        Training schedule (Adam, binary cross-entropy with the classes weighted
        equally, early stopping on ``validation_fraction`` of the edges).
    validation_fraction, patience
        Held-out fraction and early-stopping patience (epochs).

    Attributes
    ----------
    model_ : keras.Model
        The trained network (one logit per edge, sigmoid output).
    scaler_ : hepml_course.nn.Standardiser
        Standardisation of the features.
    history_ : dict
        Per-epoch ``loss`` and ``val_loss``.
    """

    _fitted_attributes: ClassVar[tuple[str, ...]] = ("model_", "scaler_")

    def __init__(
        self,
        *,
        hidden: tuple[int, ...] = (32, 32),
        epochs: int = 20,
        batch_size: int = 4096,
        learning_rate: float = 3e-3,
        validation_fraction: float = 0.1,
        patience: int = 3,
    ) -> None:
        self.hidden = hidden
        self.epochs = epochs
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.validation_fraction = validation_fraction
        self.patience = patience

    def _build(self) -> Any:
        return nn.mlp(
            len(FILTER_FEATURES),
            list(self.hidden),
            1,
            output_activation="sigmoid",
            name="edge_filter",
        )

    def fit(self, X: Any, y: Any, *, sample_weight: Any = None, seed: int = 0) -> EdgeFilter:
        """Fit on candidate edges.

        Parameters
        ----------
        X
            (n_edges, len(FILTER_FEATURES)) from :func:`filter_features`.
        y
            (n_edges,) truth: both hits from one particle.
        sample_weight
            Optional (n_edges,) weights; multiplied by the class weights that give
            true and fake edges equal total weight.
        seed
            Seeds initial weights, validation split and batch order.
        """
        x = nn.check_array(X, name="X", n_features=len(FILTER_FEATURES))
        labels = nn.check_labels(y, len(x), n_classes=2).astype(np.float32)
        weights = (
            np.ones(len(x))
            if sample_weight is None
            else nn.check_sample_weight(sample_weight, len(x))
        )
        n_true = float(labels.sum())
        if n_true == 0 or n_true == len(labels):
            raise ValueError("the edge filter needs both true and fake candidate edges")
        balance = np.where(
            labels > 0, 0.5 * len(labels) / n_true, 0.5 * len(labels) / (len(labels) - n_true)
        )
        weights = (weights * balance).astype(np.float32)
        scaler = nn.Standardiser(FILTER_FEATURES).fit(x)
        nn.seed_everything(seed)
        model = self._build()
        result = nn.train(
            model,
            scaler.transform(x),
            labels,
            loss="binary_crossentropy",
            seed=seed,
            epochs=self.epochs,
            batch_size=self.batch_size,
            learning_rate=self.learning_rate,
            sample_weight=weights,
            validation_fraction=self.validation_fraction,
            patience=self.patience,
        )
        self.model_, self.scaler_ = model, scaler
        self.history_, self.train_s_ = result.history, result.train_s
        return self

    def predict_proba(self, X: Any) -> np.ndarray:
        """Score in [0, 1] per candidate edge (high: true segment), shape (n_edges,)."""
        self._check_is_fitted()
        x = nn.check_array(X, name="X", n_features=len(FILTER_FEATURES), min_rows=0)
        if len(x) == 0:
            return np.zeros(0, dtype=np.float32)
        return nn.predict(self.model_, self.scaler_.transform(x), batch_size=65536)[:, 0]

    def _save_state(self, writer: Any) -> dict[str, Any]:
        writer.keras_weights("edge_filter", self.model_)
        return {
            "features": list(FILTER_FEATURES),
            "scaler": self.scaler_.to_dict(),
            "history": self.history_,
            "train_s": float(self.train_s_),
        }

    def _load_state(self, reader: Any, state: dict[str, Any]) -> None:
        if list(state["features"]) != list(FILTER_FEATURES):
            raise ValueError(
                f"the saved edge filter uses the features {state['features']}, this version "
                f"computes {list(FILTER_FEATURES)}: retrain it"
            )
        self.model_ = reader.keras_weights("edge_filter", self._build())
        self.scaler_ = nn.Standardiser.from_dict(state["scaler"])
        self.history_, self.train_s_ = state["history"], float(state["train_s"])
