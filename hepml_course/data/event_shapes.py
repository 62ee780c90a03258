"""Event shapes of e⁺e⁻ → hadrons, vectorised over events (no per-event Python loop).

Every function takes an Awkward array of particles, ``events × particles``, with
fields ``px``, ``py``, ``pz``, ``E`` (GeV), and returns one value per event.
Inside, the events are padded with zero momenta to a NumPy block of shape
``(n_events, n_max, 3)``: a zero momentum adds nothing to any sum below.

Definitions (sums run over the particles i of an event, p⃗ᵢ the 3-momentum):

* thrust T = max_n Σ|p⃗ᵢ·n| / Σ|p⃗ᵢ| over unit vectors n; the maximising n is the
  thrust axis.  0.5 ≤ T ≤ 1 (T = 1: two back-to-back jets, T → 1/2: isotropic).
* the plane ⟂ n splits the event into two hemispheres; with Mₕ² the invariant
  mass squared of hemisphere h and E_vis = Σ Eᵢ, the heavy-jet mass is
  ρ_H = max(M₁², M₂²) / E_vis²;
* hemisphere broadening Bₕ = Σ_{i∈h} |p⃗ᵢ × n| / (2 Σ|p⃗ᵢ|); total B_T = B₁ + B₂,
  wide B_W = max(B₁, B₂);
* C-parameter from the linearised momentum tensor
  Θ_ab = Σ pᵢ,a pᵢ,b / |p⃗ᵢ| / Σ|p⃗ᵢ| with eigenvalues λ₁, λ₂, λ₃:
  C = 3 (λ₁λ₂ + λ₂λ₃ + λ₃λ₁), 0 ≤ C ≤ 1;
* sphericity from the quadratic tensor S_ab = Σ pᵢ,a pᵢ,b / Σ|p⃗ᵢ|² with
  eigenvalues λ₁ ≥ λ₂ ≥ λ₃: S = 3/2 (λ₂ + λ₃), 0 ≤ S ≤ 1; the eigenvector of
  λ₁ is the sphericity axis;
* y₂₃: the Durham (e⁺e⁻ kt) resolution at which the event turns from three jets
  into two, y_ij = 2 min(Eᵢ², Eⱼ²)(1 − cos θᵢⱼ) / E_vis² (FastJet ``ee_kt_algorithm``,
  ``exclusive_ymerge_max(2)``);
* n_charged: the number of charged particles (``charged`` flag or PDG ``id``);

and, beyond these eight (information the eight do not carry, or carry poorly):

* n_neutral: the number of neutral particles (clusters at detector level);
* ξ̄ (``xi_mean``): the mean of ξ = ln(E_beam/|p⃗|) over the charged particles,
  E_beam = √s/2 (the hump-backed ξ spectrum moves up with more radiation);
* y₃₄, y₄₅: the Durham 4 → 3 and 5 → 4 transitions (``exclusive_ymerge_max(3)``,
  ``(4)``), 0 for events with too few particles;
* D-parameter D = 27 λ₁λ₂λ₃ of the linearised tensor Θ_ab (0 for planar
  events, 1 for isotropic ones);
* aplanarity A = 3/2 λ₃ of the quadratic tensor, λ₃ its smallest eigenvalue
  (0 ≤ A ≤ 1/2);
* light-jet mass ρ_L = min(M₁², M₂²) / E_vis² and narrow broadening
  B_N = min(B₁, B₂);
* thrust major T_maj = max_{n ⟂ n_T} Σ|p⃗ᵢ·n| / Σ|p⃗ᵢ| (the maximising n is the
  major axis) and thrust minor T_min = Σ|p⃗ᵢ·n_min| / Σ|p⃗ᵢ| along
  n_min = n_T × n_maj.  T ≥ T_maj ≥ T_min ≥ 0 (T_min = 0 for planar events).

Events without particles give NaN for every float observable (and n_charged =
n_neutral = 0); ξ̄ is NaN for events without charged particles.
References: the ALEPH QCD paper, Phys. Rept. 294 (1998) 1, and Eur. Phys. J. C35
(2004) 457, define the same observables.
"""

from __future__ import annotations

import awkward as ak
import numpy as np

#: Names of the observables :func:`event_shapes` returns, in this order.
SHAPE_NAMES: tuple[str, ...] = (
    "one_minus_thrust",
    "c_parameter",
    "heavy_jet_mass",
    "b_total",
    "b_wide",
    "y23",
    "sphericity",
    "n_charged",
    "n_neutral",
    "xi_mean",
    "y34",
    "y45",
    "d_parameter",
    "aplanarity",
    "light_jet_mass",
    "b_narrow",
    "thrust_major",
    "thrust_minor",
)

#: Number of hardest particles whose directions (and signed sums) seed the thrust search.
THRUST_SEED_PARTICLES = 4
#: Largest number of sign-iteration steps of the thrust search (it converges in a few).
THRUST_MAX_ITERATIONS = 100
#: Relative gain (of |Σ sᵢ p⃗ᵢ|², in units of (Σ|p⃗ᵢ|)²) below which a flip is not worth it.
THRUST_GAIN_TOLERANCE = 1e-12
#: Events processed together (bounds the memory of the padded blocks).
CHUNK_EVENTS = 2000
#: Default centre-of-mass energy (GeV) for ξ = ln(E_beam/|p|), E_beam = √s/2.
SQRT_S_GEV = 91.2
#: Durham transitions y_{n,n+1} :func:`durham_transitions` returns, by name → n.
DURHAM_TRANSITIONS: dict[str, int] = {"y23": 2, "y34": 3, "y45": 4}

_FIELDS = ("px", "py", "pz", "E")


def _check(particles: ak.Array) -> None:
    """Raise a clear error unless ``particles`` is events × particles with px, py, pz, E."""
    if not isinstance(particles, ak.Array):
        raise TypeError(
            "event shapes need an awkward.Array of particles (events × particles with fields "
            f"px, py, pz, E in GeV), got {type(particles).__name__}"
        )
    missing = [f for f in _FIELDS if f not in particles.fields]
    if missing:
        raise ValueError(
            f"particles need the fields px, py, pz, E (GeV); missing {missing} "
            f"(got fields {particles.fields}); build them with "
            "ak.zip({'px': ..., 'py': ..., 'pz': ..., 'E': ...})"
        )
    if particles.ndim != 2:
        raise ValueError(
            f"particles must be jagged events × particles (2 dimensions), got type {particles.type}"
        )


def _padded(particles: ak.Array) -> tuple[np.ndarray, np.ndarray]:
    """Zero-padded momenta ``(n_events, n_max, 3)`` and energies ``(n_events, n_max)`` (GeV)."""
    _check(particles)
    n_max = max(int(ak.max(ak.num(particles), initial=0)), 1)
    cols = []
    for f in _FIELDS:
        padded = ak.fill_none(ak.pad_none(particles[f], n_max, axis=1, clip=True), 0.0)
        cols.append(ak.to_numpy(padded).astype(np.float64).reshape(len(particles), n_max))
    p = np.stack(cols[:3], axis=-1)
    e = cols[3]
    if not (np.isfinite(p).all() and np.isfinite(e).all()):
        raise ValueError(
            "particles contain NaN or infinite momenta/energies; remove or fix them first"
        )
    return p, e


def _unit(v: np.ndarray) -> np.ndarray:
    """``v / |v|`` along the last axis (zero vectors stay zero)."""
    norm = np.linalg.norm(v, axis=-1, keepdims=True)
    return np.divide(v, norm, out=np.zeros_like(v), where=norm > 0)


def _sphericity_tensor(p: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Eigenvalues (ascending, ``(n, 3)``) and eigenvectors (``(n, 3, 3)``) of S_ab."""
    norm = np.einsum("enk,enk->e", p, p)
    tensor = np.einsum("ena,enb->eab", p, p)
    tensor /= np.where(norm > 0, norm, 1.0)[:, None, None]
    return np.linalg.eigh(tensor)


def _linear_tensor(p: np.ndarray, pabs: np.ndarray) -> np.ndarray:
    """Θ_ab = Σ pᵢ,a pᵢ,b / |p⃗ᵢ| / Σ|p⃗ᵢ|, shape ``(n, 3, 3)`` (zero for empty events)."""
    inverse = np.divide(1.0, pabs, out=np.zeros_like(pabs), where=pabs > 0)
    total = pabs.sum(axis=1)
    tensor = np.einsum("ena,enb,en->eab", p, p, inverse)
    return tensor / np.where(total > 0, total, 1.0)[:, None, None]


def _thrust_block(p: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Thrust ``(n,)`` and axis ``(n, 3)`` of a padded block ``p`` ``(n, n_max, 3)``.

    Seeds (all rotate with the event): the directions of the
    :data:`THRUST_SEED_PARTICLES` hardest particles, every signed sum
    p₁ ± p₂ ± p₃ ± p₄ of them, and the eigenvectors of the quadratic and the
    linearised momentum tensors.  From each seed n₀ the iteration
    n_{k+1} ∝ Σ sign(p⃗ᵢ·n_k) p⃗ᵢ increases |Σ sᵢ p⃗ᵢ| at every step; when no sign
    changes, the single sign flip that increases it most is made, and the
    iteration goes on until neither helps.  The largest result is kept.
    """
    n_ev, n_max, _ = p.shape
    pabs = np.linalg.norm(p, axis=-1)
    total = pabs.sum(axis=1)
    k = min(THRUST_SEED_PARTICLES, n_max)
    hardest = np.argsort(-pabs, axis=1, kind="stable")[:, :k]
    top = np.take_along_axis(p, hardest[..., None], axis=1)  # (n, k, 3)
    seeds = [top[:, j] for j in range(k)]
    if k > 1:
        signs = np.array(np.meshgrid(*[[1.0, -1.0]] * (k - 1), indexing="ij")).reshape(k - 1, -1)
        for combo in signs.T:
            seeds.append(top[:, 0] + np.einsum("j,ejk->ek", combo, top[:, 1:]))
    _, vectors = _sphericity_tensor(p)
    _, linear = np.linalg.eigh(_linear_tensor(p, pabs))
    seeds.extend(v[:, :, j] for v in (vectors, linear) for j in range(3))
    axes = _unit(np.stack(seeds, axis=1))  # (n, s, 3)
    # a zero seed (fewer particles than seeds, or a cancelling sum) starts on the hardest one
    axes = np.where(np.linalg.norm(axes, axis=-1, keepdims=True) > 0, axes, _unit(top[:, :1]))

    pt = np.swapaxes(p, 1, 2)  # (n, 3, n_max)
    sign = np.where(axes @ pt >= 0.0, 1.0, -1.0)  # (n, s, n_max)
    gain_floor = THRUST_GAIN_TOLERANCE * total[:, None] ** 2  # (n, 1)
    for _ in range(THRUST_MAX_ITERATIONS):
        vector = sign @ p  # (n, s, 3): Σ sᵢ p⃗ᵢ
        along = vector @ pt  # (n, s, n_max): p⃗ᵢ · Σ sⱼ p⃗ⱼ
        new = np.where(along >= 0.0, 1.0, -1.0)
        settled = np.all(new == sign, axis=-1)  # (n, s): a local maximum of the sign iteration
        # on settled seeds, flip the one particle that increases |Σ sᵢ p⃗ᵢ| most (if any):
        # |P − 2sᵢp⃗ᵢ|² − |P|² = 4(|p⃗ᵢ|² − sᵢ p⃗ᵢ·P)
        gain = pabs[:, None, :] ** 2 - sign * along
        best_flip = np.argmax(gain, axis=-1)  # (n, s)
        flip = settled & (np.take_along_axis(gain, best_flip[..., None], -1)[..., 0] > gain_floor)
        if not (flip.any() or (~settled).any()):
            break
        new = np.where(settled[..., None], sign, new)
        rows, cols = np.nonzero(flip)
        new[rows, cols, best_flip[rows, cols]] *= -1.0
        sign = new
    axes = _unit(sign @ p)
    projected = np.abs(axes @ pt).sum(axis=-1)  # (n, s)
    best = np.argmax(projected, axis=1)
    axis = axes[np.arange(n_ev), best]
    axis = np.where(axis[:, 2:3] < 0, -axis, axis)  # convention: n_z ≥ 0
    with np.errstate(invalid="ignore", divide="ignore"):
        thrust_value = projected[np.arange(n_ev), best] / total
    thrust_value = np.where(total > 0, thrust_value, np.nan)
    axis = np.where(total[:, None] > 0, axis, np.nan)
    return thrust_value, axis


def _plane_basis(axis: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Two unit vectors ``(n, 3)`` spanning the plane ⟂ ``axis`` (``(n, 3)``, unit)."""
    # cross with the coordinate axis least aligned with n: never (nearly) parallel
    helper = np.eye(3)[np.argmin(np.abs(axis), axis=1)]
    u = _unit(np.cross(axis, helper))
    return u, np.cross(axis, u)


def _major_minor_block(p: np.ndarray, axis: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Thrust-major and thrust-minor axes ``(n, 3)`` of a padded block, given the thrust axis.

    In the plane ⟂ n_T the problem is two-dimensional and solved exactly: with
    qᵢ the projections of p⃗ᵢ, folded onto the upper half-plane (angles
    φᵢ ∈ [0, π)) and sorted by φ, a line through the origin between the k-th
    and (k+1)-th direction gives the partition Σ_{j>k} qⱼ − Σ_{j≤k} qⱼ = Q − 2Q_k
    (Q the sum, Q_k the cumulative sum).  Every line partition is one of these
    n, and the largest |Q − 2Q_k| is max_{n ⟂ n_T} Σ|p⃗ᵢ·n|, reached along
    (Q − 2Q_k)/|Q − 2Q_k|.  The minor axis is n_T × n_maj.
    """
    n_ev = len(p)
    u, v = _plane_basis(axis)
    a = np.einsum("enk,ek->en", p, u)
    b = np.einsum("enk,ek->en", p, v)
    flip = (b < 0.0) | ((b == 0.0) & (a < 0.0))
    a = np.where(flip, -a, a)
    b = np.where(flip, -b, b)
    order = np.argsort(np.arctan2(b, a), axis=1, kind="stable")
    q = np.stack([np.take_along_axis(a, order, 1), np.take_along_axis(b, order, 1)], axis=-1)
    cumulative = np.concatenate([np.zeros((n_ev, 1, 2)), np.cumsum(q, axis=1)], axis=1)
    partitions = cumulative[:, -1:, :] - 2.0 * cumulative  # (n, n_max + 1, 2)
    best = np.argmax(np.einsum("ekc,ekc->ek", partitions, partitions), axis=1)
    in_plane = partitions[np.arange(n_ev), best]  # (n, 2)
    major = _unit(in_plane[:, :1] * u + in_plane[:, 1:] * v)
    # nothing sticks out of the thrust axis (two back-to-back particles): any ⟂ axis will do
    major = np.where(np.linalg.norm(major, axis=1, keepdims=True) > 0, major, u)
    return major, np.cross(axis, major)


def _shapes_block(p: np.ndarray, e: np.ndarray) -> dict[str, np.ndarray]:
    """All tensor and thrust-based observables of a padded block."""
    thrust_value, axis = _thrust_block(p)
    pabs = np.linalg.norm(p, axis=-1)
    total = pabs.sum(axis=1)
    empty = total <= 0
    safe_total = np.where(empty, 1.0, total)

    # hemispheres, heavy-jet mass and broadenings
    along = np.einsum("enk,ek->en", p, np.nan_to_num(axis))
    side = along > 0.0
    across = np.sqrt(np.maximum(pabs**2 - along**2, 0.0))
    e_vis = e.sum(axis=1)
    masses, broadenings = [], []
    for hemisphere in (side, ~side):
        energy = np.where(hemisphere, e, 0.0).sum(axis=1)
        momentum = np.where(hemisphere[..., None], p, 0.0).sum(axis=1)
        masses.append(np.maximum(energy**2 - np.einsum("ek,ek->e", momentum, momentum), 0.0))
        broadenings.append(np.where(hemisphere, across, 0.0).sum(axis=1) / (2.0 * safe_total))
    safe_e_vis2 = np.where(e_vis > 0, e_vis, 1.0) ** 2

    # linearised tensor → C, D; quadratic tensor (eigenvalues ascending) → S, A
    lam = np.linalg.eigvalsh(_linear_tensor(p, pabs))
    c_param = 3.0 * (lam[:, 0] * lam[:, 1] + lam[:, 1] * lam[:, 2] + lam[:, 2] * lam[:, 0])
    d_param = 27.0 * lam[:, 0] * lam[:, 1] * lam[:, 2]
    sph_values, _ = _sphericity_tensor(p)
    sphericity_value = 1.5 * (sph_values[:, 0] + sph_values[:, 1])
    aplanarity_value = 1.5 * sph_values[:, 0]

    major, minor = _major_minor_block(p, np.nan_to_num(axis))

    out = {
        "one_minus_thrust": 1.0 - thrust_value,
        "c_parameter": np.clip(c_param, 0.0, 1.0),
        "heavy_jet_mass": np.maximum(*masses) / safe_e_vis2,
        "b_total": broadenings[0] + broadenings[1],
        "b_wide": np.maximum(*broadenings),
        "sphericity": np.clip(sphericity_value, 0.0, 1.0),
        "d_parameter": np.clip(d_param, 0.0, 1.0),
        "aplanarity": np.clip(aplanarity_value, 0.0, 0.5),
        "light_jet_mass": np.minimum(*masses) / safe_e_vis2,
        "b_narrow": np.minimum(*broadenings),
        "thrust_major": np.abs(np.einsum("enk,ek->en", p, major)).sum(axis=1) / safe_total,
        "thrust_minor": np.abs(np.einsum("enk,ek->en", p, minor)).sum(axis=1) / safe_total,
    }
    out = {k: np.where(empty, np.nan, v) for k, v in out.items()}
    out["_thrust_axis"] = axis
    out["_major_axis"] = np.where(empty[:, None], np.nan, major)
    out["_minor_axis"] = np.where(empty[:, None], np.nan, minor)
    return out


def _in_chunks(particles: ak.Array, compute) -> dict[str, np.ndarray]:
    """Apply ``compute(p, e) -> dict`` on chunks of :data:`CHUNK_EVENTS` events and join."""
    _check(particles)
    parts = []
    for start in range(0, len(particles), CHUNK_EVENTS):
        p, e = _padded(particles[start : start + CHUNK_EVENTS])
        parts.append(compute(p, e))
    if not parts:  # no events at all
        parts.append(compute(np.zeros((0, 1, 3)), np.zeros((0, 1))))
    return {k: np.concatenate([part[k] for part in parts]) for k in parts[0]}


def thrust(particles: ak.Array) -> np.ndarray:
    """Thrust T = max_n Σ|p⃗ᵢ·n| / Σ|p⃗ᵢ| of each event.

    Parameters
    ----------
    particles
        Awkward array, events × particles, fields ``px``, ``py``, ``pz``, ``E`` (GeV).

    Returns
    -------
    numpy.ndarray
        Shape ``(n_events,)``, in [0.5, 1] for momentum-balanced events (NaN for
        events without particles).

    Notes
    -----
    T = max over sign choices sᵢ = ±1 of |Σ sᵢ p⃗ᵢ| / Σ|p⃗ᵢ|.  The maximum is
    searched by the sign iteration n_{k+1} ∝ Σ sign(p⃗ᵢ·n_k) p⃗ᵢ, improved by
    single sign flips, from several rotation-covariant seeds (the hardest
    particles, their signed sums, the eigenvectors of the momentum tensors).
    Each search ends on a local maximum, so the result can never exceed the
    true T.  It agreed (to 1e-9) with a brute-force search over all 2ⁿ⁻¹
    hemisphere partitions on 2000 of 2000 random events with n ≤ 10, and with a
    2000–3000-start search on 1000 of 1000 random isotropic events (n ≤ 40) and
    on 960 of 960 detector-level Z → hadrons events.
    """
    return _in_chunks(particles, lambda p, e: {"t": _thrust_block(p)[0]})["t"]


def thrust_axis(particles: ak.Array) -> np.ndarray:
    """Unit thrust axis n of each event, shape ``(n_events, 3)``, with n_z ≥ 0.

    See :func:`thrust`.  Events without particles give NaN.
    """
    return _in_chunks(particles, lambda p, e: {"n": _thrust_block(p)[1]})["n"]


def thrust_axes(particles: ak.Array) -> np.ndarray:
    """Thrust, thrust-major and thrust-minor unit axes of each event.

    Parameters
    ----------
    particles
        Awkward array, events × particles, fields ``px``, ``py``, ``pz``, ``E`` (GeV).

    Returns
    -------
    numpy.ndarray
        Shape ``(n_events, 3, 3)``: ``[:, 0]`` the thrust axis n_T (n_z ≥ 0),
        ``[:, 1]`` the major axis n_maj ⟂ n_T maximising Σ|p⃗ᵢ·n|, ``[:, 2]`` the
        minor axis n_T × n_maj.  NaN for events without particles.

    Notes
    -----
    The major axis is found exactly (a sorted sweep over the n line partitions
    of the momenta projected on the plane ⟂ n_T); its sign is arbitrary.
    """

    def compute(p: np.ndarray, e: np.ndarray) -> dict[str, np.ndarray]:
        shapes = _shapes_block(p, e)
        names = ("_thrust_axis", "_major_axis", "_minor_axis")
        return {"axes": np.stack([shapes[name] for name in names], axis=1)}

    return _in_chunks(particles, compute)["axes"]


def c_parameter(particles: ak.Array) -> np.ndarray:
    """C = 3(λ₁λ₂ + λ₂λ₃ + λ₃λ₁) of the linearised momentum tensor, shape ``(n_events,)``.

    Θ_ab = Σ pᵢ,a pᵢ,b / |p⃗ᵢ| / Σ|p⃗ᵢ|; 0 ≤ C ≤ 1 (0: two back-to-back jets or
    any planar-collinear event, 3/4: the symmetric three-jet "Mercedes" event).
    """
    return _in_chunks(particles, _shapes_block)["c_parameter"]


def sphericity(particles: ak.Array) -> np.ndarray:
    """S = 3/2 (λ₂ + λ₃) of S_ab = Σ pᵢ,a pᵢ,b / Σ|p⃗ᵢ|², shape ``(n_events,)``."""
    return _in_chunks(particles, _shapes_block)["sphericity"]


def durham_transitions(particles: ak.Array) -> dict[str, np.ndarray]:
    """Durham (e⁺e⁻ kt) jet transitions y₂₃, y₃₄, y₄₅ of each event (one clustering).

    y_ij = 2 min(Eᵢ², Eⱼ²)(1 − cos θᵢⱼ) / E_vis², E_vis = Σ Eᵢ; y_{n,n+1} is the
    largest y at which the event is still clustered into n + 1 jets (FastJet
    ``ee_kt_algorithm``, ``exclusive_ymerge_max(n)``), so y₂₃ ≥ y₃₄ ≥ y₄₅.

    Parameters
    ----------
    particles
        Awkward array, events × particles, fields ``px``, ``py``, ``pz``, ``E`` (GeV).

    Returns
    -------
    dict of numpy.ndarray
        ``"y23"``, ``"y34"``, ``"y45"`` (:data:`DURHAM_TRANSITIONS`) → values of
        shape ``(n_events,)``: y_{n,n+1} is 0 for events with at most n particles,
        NaN for events without particles.
    """
    import fastjet
    import fastjet._swig

    _check(particles)
    if len(particles) == 0:
        return {name: np.zeros(0) for name in DURHAM_TRANSITIONS}
    # FastJet prints its banner on the first clustering: send it nowhere (once per process)
    fastjet._swig.ClusterSequence.set_fastjet_banner_stream(None)
    inputs = ak.zip({f: ak.values_astype(particles[f], np.float64) for f in _FIELDS})
    sequence = fastjet.ClusterSequence(inputs, fastjet.JetDefinition0Param(fastjet.ee_kt_algorithm))
    empty = ak.to_numpy(ak.num(particles)) == 0
    out = {}
    for name, n_jets in DURHAM_TRANSITIONS.items():
        values = ak.to_numpy(sequence.exclusive_ymerge_max(n_jets)).astype(np.float64)
        out[name] = np.where(empty, np.nan, values)
    return out


def y23(particles: ak.Array) -> np.ndarray:
    """Durham 3 → 2 jet transition y₂₃ of each event, shape ``(n_events,)``.

    See :func:`durham_transitions`: 0 for events with fewer than three
    particles, NaN for events without particles.
    """
    return durham_transitions(particles)["y23"]


def _charged_flags(particles: ak.Array) -> ak.Array:
    """Boolean ``charged`` per particle, from the ``charged`` field or the PDG ``id``."""
    if not isinstance(particles, ak.Array):
        raise TypeError(f"expected an awkward.Array of particles, got {type(particles).__name__}")
    if "charged" in particles.fields:
        return ak.values_astype(particles["charged"], bool)
    if "id" in particles.fields:
        from hepml_course.sim.jet_response import CHARGED_IDS

        flat = np.abs(ak.to_numpy(ak.flatten(particles["id"])))
        return ak.unflatten(np.isin(flat, CHARGED_IDS), ak.num(particles))
    raise ValueError(
        "telling charged from neutral particles needs a boolean field 'charged' (detector "
        f"candidates) or a PDG 'id' field; got fields {particles.fields}"
    )


def charged_multiplicity(particles: ak.Array) -> np.ndarray:
    """Number of charged particles of each event, shape ``(n_events,)``, int64.

    Uses the boolean field ``charged`` if present (detector candidates, see
    :class:`hepml_course.sim.ee_detector.EEDetector`), else the PDG ``id`` of
    generator particles (long-lived charged species of
    :data:`hepml_course.sim.jet_response.CHARGED_IDS`).

    Raises
    ------
    ValueError
        If the particles have neither a ``charged`` nor an ``id`` field.
    """
    return ak.to_numpy(ak.sum(_charged_flags(particles), axis=1)).astype(np.int64)


def neutral_multiplicity(particles: ak.Array) -> np.ndarray:
    """Number of neutral particles of each event, shape ``(n_events,)``, int64.

    Detector candidates (field ``charged``): the calorimeter clusters without a
    track (photons and neutral hadrons).  Generator particles (field ``id``):
    the stable neutral particles except neutrinos.

    Raises
    ------
    ValueError
        If the particles have neither a ``charged`` nor an ``id`` field.
    """
    neutral = ~_charged_flags(particles)
    if "charged" not in particles.fields:
        from hepml_course.sim.ee_detector import NEUTRINO_IDS

        flat = np.abs(ak.to_numpy(ak.flatten(particles["id"])))
        neutral = neutral & ak.unflatten(~np.isin(flat, NEUTRINO_IDS), ak.num(particles))
    return ak.to_numpy(ak.sum(neutral, axis=1)).astype(np.int64)


def mean_xi(particles: ak.Array, sqrt_s_gev: float = SQRT_S_GEV) -> np.ndarray:
    """Mean of ξ = ln(E_beam/|p⃗|) over the charged particles of each event.

    Parameters
    ----------
    particles
        Awkward array, events × particles, fields ``px``, ``py``, ``pz`` (GeV)
        and ``charged`` (bool) or ``id`` (PDG).
    sqrt_s_gev
        Centre-of-mass energy √s (GeV); E_beam = √s/2.

    Returns
    -------
    numpy.ndarray
        Shape ``(n_events,)``: ξ̄ = (1/N_ch) Σ_charged ln(E_beam/|p⃗ᵢ|) (soft
        particles have large ξ; more radiation → more, softer particles →
        larger ξ̄).  NaN for events without charged particles.

    Raises
    ------
    ValueError
        If ``sqrt_s_gev`` is not positive, a field is missing, or a charged
        particle has |p⃗| = 0 (ξ infinite).
    """
    if not (np.isfinite(sqrt_s_gev) and sqrt_s_gev > 0):
        raise ValueError(f"sqrt_s_gev must be a positive energy in GeV, got {sqrt_s_gev}")
    _check(particles)
    charged = _charged_flags(particles)
    tracks = particles[charged]
    p = np.sqrt(tracks["px"] ** 2 + tracks["py"] ** 2 + tracks["pz"] ** 2)
    if ak.any(p <= 0):
        raise ValueError("a charged particle has zero momentum: ξ = ln(E_beam/|p|) is infinite")
    xi = np.log(0.5 * sqrt_s_gev / p)
    total = ak.to_numpy(ak.sum(xi, axis=1)).astype(np.float64)
    count = ak.to_numpy(ak.num(xi, axis=1))
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(count > 0, total / count, np.nan)


def event_shapes(particles: ak.Array, sqrt_s_gev: float = SQRT_S_GEV) -> dict[str, np.ndarray]:
    """All observables of :data:`SHAPE_NAMES` in one pass.

    Parameters
    ----------
    particles
        Awkward array, events × particles, fields ``px``, ``py``, ``pz``, ``E``
        (GeV) and ``charged`` (bool) or ``id`` (PDG) for n_charged, n_neutral
        and ξ̄.
    sqrt_s_gev
        Centre-of-mass energy √s (GeV) of ξ = ln(√s / (2|p⃗|)).

    Returns
    -------
    dict of numpy.ndarray
        Name → values of shape ``(n_events,)``, keys in the order of
        :data:`SHAPE_NAMES`: float64 for the shapes (NaN for events without
        particles; ξ̄ NaN for events without charged particles), int64 for
        ``n_charged`` and ``n_neutral``.
    """
    shapes = _in_chunks(particles, _shapes_block)
    shapes.update(durham_transitions(particles))
    shapes["n_charged"] = charged_multiplicity(particles)
    shapes["n_neutral"] = neutral_multiplicity(particles)
    shapes["xi_mean"] = mean_xi(particles, sqrt_s_gev)
    return {name: shapes[name] for name in SHAPE_NAMES}
