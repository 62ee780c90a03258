"""Event shapes: known values on symmetric events, exact thrust, invariances, bad input."""

from __future__ import annotations

import itertools

import awkward as ak
import numpy as np
import pytest
from scipy.spatial.transform import Rotation

from hepml_course.data import event_shapes as es

pytest.importorskip("fastjet")


def _events(momenta: list[np.ndarray], charged: bool = True) -> ak.Array:
    """Massless particles from per-event ``(n, 3)`` momenta (GeV)."""
    counts = [len(m) for m in momenta]
    flat = np.concatenate([np.asarray(m, dtype=np.float64).reshape(-1, 3) for m in momenta])
    columns = {
        "px": flat[:, 0],
        "py": flat[:, 1],
        "pz": flat[:, 2],
        "E": np.linalg.norm(flat, axis=1),
        "charged": np.full(len(flat), charged),
    }
    return ak.zip({k: ak.unflatten(v, counts) for k, v in columns.items()})


def _random_events(rng: np.random.Generator, n_events: int, n_min: int, n_max: int) -> list:
    """Random isotropic momenta with exponential magnitudes (not momentum-balanced)."""
    out = []
    for n in rng.integers(n_min, n_max + 1, n_events):
        directions = rng.normal(size=(n, 3))
        out.append(directions * rng.exponential(5.0, size=(n, 1)))
    return out


def _brute_thrust(p: np.ndarray) -> float:
    """max over all sign assignments of |Σ sᵢ pᵢ| / Σ|pᵢ| (2^(n−1) partitions)."""
    signs = np.array(list(itertools.product([1.0, -1.0], repeat=len(p) - 1)))
    sums = p[0] + signs @ p[1:]
    return float(np.linalg.norm(sums, axis=1).max() / np.linalg.norm(p, axis=1).sum())


BACK_TO_BACK = np.array([[3.0, 4.0, 12.0], [-3.0, -4.0, -12.0]])
MERCEDES = 10.0 * np.array(
    [[1.0, 0.0, 0.0], [-0.5, np.sqrt(3) / 2, 0.0], [-0.5, -np.sqrt(3) / 2, 0]]
)


#: The six vertices of an octahedron: the most isotropic event of six particles.
OCTAHEDRON = 5.0 * np.vstack([np.eye(3), -np.eye(3)])

#: Observables that vanish for two back-to-back particles.
PENCIL_ZERO = (
    "one_minus_thrust",
    "c_parameter",
    "heavy_jet_mass",
    "b_total",
    "b_wide",
    "sphericity",
    "y23",
    "y34",
    "y45",
    "d_parameter",
    "aplanarity",
    "light_jet_mass",
    "b_narrow",
    "thrust_major",
    "thrust_minor",
)


def test_back_to_back_event_is_pencil_like():
    shapes = es.event_shapes(_events([BACK_TO_BACK]))
    for name in PENCIL_ZERO:
        assert shapes[name][0] == pytest.approx(0.0, abs=1e-12), name
    assert shapes["n_charged"][0] == 2
    assert shapes["n_neutral"][0] == 0
    # ξ = ln(E_beam/|p|) with |p| = 13 GeV for both particles
    assert shapes["xi_mean"][0] == pytest.approx(np.log(45.6 / 13.0), rel=1e-12)
    axis = es.thrust_axis(_events([BACK_TO_BACK]))[0]
    np.testing.assert_allclose(axis, BACK_TO_BACK[0] / 13.0, atol=1e-12)


def test_symmetric_three_jet_mercedes_event():
    shapes = es.event_shapes(_events([MERCEDES]))
    assert 1 - shapes["one_minus_thrust"][0] == pytest.approx(2 / 3, abs=1e-12)
    assert shapes["c_parameter"][0] == pytest.approx(3 / 4, abs=1e-12)
    # planar, isotropic in the plane: quadratic-tensor eigenvalues (1/2, 1/2, 0)
    assert shapes["sphericity"][0] == pytest.approx(3 / 4, abs=1e-12)
    # one particle alone, two at 60° from the thrust axis in the other hemisphere
    assert shapes["heavy_jet_mass"][0] == pytest.approx(1 / 3, abs=1e-12)
    assert shapes["b_wide"][0] == pytest.approx(np.sqrt(3) / 6, abs=1e-12)
    assert shapes["b_total"][0] == pytest.approx(np.sqrt(3) / 6, abs=1e-12)
    # Durham: 2 E² (1 − cos 120°) / (3E)² = 1/3 for every pair
    assert shapes["y23"][0] == pytest.approx(1 / 3, rel=1e-9)
    # planar: no 4th jet, no out-of-plane momentum; the lone particle's hemisphere is massless
    for name in ("y34", "y45", "d_parameter", "aplanarity", "thrust_minor"):
        assert shapes[name][0] == pytest.approx(0.0, abs=1e-12), name
    assert shapes["light_jet_mass"][0] == pytest.approx(0.0, abs=1e-12)
    assert shapes["b_narrow"][0] == pytest.approx(0.0, abs=1e-12)
    # n_T along one particle, n_maj ⟂ to it in the plane: (0 + 2·10 sin 60°)/30 = 1/√3
    assert shapes["thrust_major"][0] == pytest.approx(1 / np.sqrt(3), abs=1e-12)


def test_isotropic_octahedron_event():
    shapes = es.event_shapes(_events([OCTAHEDRON]))
    # Θ_ab = S_ab = δ_ab/3: every eigenvalue 1/3
    for name, value in {"c_parameter": 1.0, "d_parameter": 1.0, "sphericity": 1.0}.items():
        assert shapes[name][0] == pytest.approx(value, abs=1e-12), name
    assert shapes["aplanarity"][0] == pytest.approx(0.5, abs=1e-12)
    # n_T along a body diagonal: Σ|p·n| = 6·5/√3 of Σ|p| = 30
    assert 1 - shapes["one_minus_thrust"][0] == pytest.approx(1 / np.sqrt(3), abs=1e-12)
    # ⟂ n_T the six momenta project onto a regular hexagon of radius 5√(2/3):
    # along a vertex Σ|q·n| = 4 r, half-way between two vertices 2√3 r
    r = 5.0 * np.sqrt(2 / 3)
    assert shapes["thrust_major"][0] == pytest.approx(4 * r / 30, abs=1e-12)
    assert shapes["thrust_minor"][0] == pytest.approx(2 * np.sqrt(3) * r / 30, abs=1e-12)
    # hemispheres of three particles each (n_T · p > 0 for e_x, e_y, e_z): equal masses
    assert shapes["light_jet_mass"][0] == pytest.approx(shapes["heavy_jet_mass"][0], abs=1e-12)
    assert shapes["b_narrow"][0] == pytest.approx(shapes["b_wide"][0], abs=1e-12)


def test_thrust_is_the_exact_maximum_over_hemisphere_partitions():
    rng = np.random.default_rng(3)
    events = _random_events(rng, 400, 2, 10)
    found = es.thrust(_events(events))
    exact = np.array([_brute_thrust(p) for p in events])
    assert np.all(found <= exact + 1e-12), "thrust above the maximum: not a valid T"
    agree = np.abs(found - exact) <= 1e-6
    assert agree.mean() >= 0.95, f"thrust exact on only {agree.mean():.1%} of events"


def test_thrust_beats_any_random_axis_and_its_axis_gives_it():
    rng = np.random.default_rng(4)
    events = _random_events(rng, 200, 3, 40)
    particles = _events(events)
    found = es.thrust(particles)
    axes = es.thrust_axis(particles)
    np.testing.assert_allclose(np.linalg.norm(axes, axis=1), 1.0, atol=1e-12)
    assert np.all(axes[:, 2] >= 0)
    for i, p in enumerate(events):
        total = np.linalg.norm(p, axis=1).sum()
        on_axis = np.abs(p @ axes[i]).sum() / total
        assert on_axis == pytest.approx(found[i], abs=1e-12)
        random_axes = rng.normal(size=(500, 3))
        random_axes /= np.linalg.norm(random_axes, axis=1, keepdims=True)
        assert (np.abs(p @ random_axes.T).sum(axis=0) / total).max() <= found[i] + 1e-12


def _brute_major(p: np.ndarray, axis: np.ndarray) -> float:
    """max over sign assignments of |Σ sᵢ qᵢ| / Σ|pᵢ|, qᵢ = pᵢ projected ⟂ ``axis``."""
    q = p - np.outer(p @ axis, axis)
    signs = np.array(list(itertools.product([1.0, -1.0], repeat=len(p) - 1)))
    sums = q[0] + signs @ q[1:]
    return float(np.linalg.norm(sums, axis=1).max() / np.linalg.norm(p, axis=1).sum())


def test_thrust_major_is_the_exact_maximum_perpendicular_to_the_thrust_axis():
    rng = np.random.default_rng(13)
    events = _random_events(rng, 300, 2, 10)
    particles = _events(events)
    shapes = es.event_shapes(particles)
    axes = es.thrust_axes(particles)
    # orthonormal frame, first axis the thrust axis
    np.testing.assert_allclose(axes[:, 0], es.thrust_axis(particles), atol=0)
    np.testing.assert_allclose(
        np.einsum("eia,eja->eij", axes, axes), np.eye(3)[None].repeat(300, 0), atol=1e-12
    )
    exact = np.array([_brute_major(p, axes[i, 0]) for i, p in enumerate(events)])
    np.testing.assert_allclose(shapes["thrust_major"], exact, rtol=1e-9, atol=1e-12)
    for i, p in enumerate(events):
        total = np.linalg.norm(p, axis=1).sum()
        for k, name in ((1, "thrust_major"), (2, "thrust_minor")):
            along = np.abs(p @ axes[i, k]).sum() / total
            assert along == pytest.approx(shapes[name][i], abs=1e-12), name
    thrust_value = 1 - shapes["one_minus_thrust"]
    assert np.all(thrust_value >= shapes["thrust_major"] - 1e-12)
    assert np.all(shapes["thrust_major"] >= shapes["thrust_minor"] - 1e-12)


def test_planar_events_have_no_minor_aplanarity_or_d():
    rng = np.random.default_rng(14)
    events = [
        np.column_stack([p[:, :2], np.zeros(len(p))]) for p in _random_events(rng, 100, 3, 30)
    ]
    shapes = es.event_shapes(_events(events))
    for name in ("thrust_minor", "aplanarity", "d_parameter"):
        np.testing.assert_allclose(shapes[name], 0.0, atol=1e-12, err_msg=name)
    assert np.all(shapes["thrust_major"] > 0)


def test_shapes_are_rotation_invariant_and_in_range():
    rng = np.random.default_rng(5)
    events = _random_events(rng, 300, 2, 60)
    rotation = Rotation.random(random_state=6).as_matrix()
    before = es.event_shapes(_events(events))
    after = es.event_shapes(_events([p @ rotation.T for p in events]))
    for name in es.SHAPE_NAMES:
        np.testing.assert_allclose(after[name], before[name], rtol=1e-9, atol=1e-12, err_msg=name)
    t = 1 - before["one_minus_thrust"]
    assert np.all((t >= 0.5) & (t <= 1))
    for name in ("c_parameter", "sphericity", "y23", "d_parameter", "thrust_major"):
        assert np.all((before[name] >= 0) & (before[name] <= 1)), name
    assert np.all((before["aplanarity"] >= 0) & (before["aplanarity"] <= 0.5))
    assert np.all(before["b_wide"] <= before["b_total"] + 1e-15)
    np.testing.assert_allclose(before["b_narrow"] + before["b_wide"], before["b_total"], rtol=1e-12)
    assert np.all(before["b_total"] <= 0.5)
    assert np.all((before["heavy_jet_mass"] >= 0) & (before["heavy_jet_mass"] <= 1))
    assert np.all(before["light_jet_mass"] <= before["heavy_jet_mass"])
    assert np.all((before["y45"] <= before["y34"]) & (before["y34"] <= before["y23"]))
    assert np.all(before["thrust_minor"] <= before["thrust_major"] + 1e-12)
    # D ≤ C: 27λ₁λ₂λ₃ ≤ 3(λ₁λ₂ + λ₂λ₃ + λ₃λ₁) when λ₁ + λ₂ + λ₃ = 1 (AM-GM)
    assert np.all(before["d_parameter"] <= before["c_parameter"] + 1e-12)


def test_y23_of_three_particles_is_the_smallest_durham_distance():
    rng = np.random.default_rng(7)
    events = _random_events(rng, 100, 3, 3)
    found = es.y23(_events(events))
    for i, p in enumerate(events):
        e = np.linalg.norm(p, axis=1)
        pairs = []
        for a, b in itertools.combinations(range(3), 2):
            cos = p[a] @ p[b] / (e[a] * e[b])
            pairs.append(2 * min(e[a], e[b]) ** 2 * (1 - cos) / e.sum() ** 2)
        assert found[i] == pytest.approx(min(pairs), rel=1e-9)


def test_y34_of_four_particles_is_their_smallest_durham_distance():
    rng = np.random.default_rng(9)
    events = _random_events(rng, 100, 4, 4)
    found = es.durham_transitions(_events(events))
    for i, p in enumerate(events):
        e = np.linalg.norm(p, axis=1)
        pairs = []
        for a, b in itertools.combinations(range(4), 2):
            cos = p[a] @ p[b] / (e[a] * e[b])
            pairs.append(2 * min(e[a], e[b]) ** 2 * (1 - cos) / e.sum() ** 2)
        assert found["y34"][i] == pytest.approx(min(pairs), rel=1e-9)
    np.testing.assert_array_equal(found["y45"], 0.0)  # no fifth particle
    assert np.all(found["y34"] <= found["y23"])


def test_multiplicities_and_xi_mean_count_the_right_particles():
    rng = np.random.default_rng(10)
    # three charged particles with ξ = 0, 1, 2 (|p| = E_beam e^-ξ) and two neutral ones
    directions = rng.normal(size=(5, 3))
    directions /= np.linalg.norm(directions, axis=1, keepdims=True)
    magnitudes = np.array([45.6, 45.6 / np.e, 45.6 / np.e**2, 7.0, 0.5])
    columns = {k: directions[:, j] * magnitudes for j, k in enumerate(("px", "py", "pz"))}
    columns["E"] = magnitudes
    columns["charged"] = np.array([True, True, True, False, False])
    particles = ak.zip({k: ak.unflatten(v, [5, 0]) for k, v in columns.items()})
    shapes = es.event_shapes(particles)
    assert list(shapes["n_charged"]) == [3, 0]
    assert list(shapes["n_neutral"]) == [2, 0]
    assert shapes["xi_mean"][0] == pytest.approx(1.0, rel=1e-12)
    assert np.isnan(shapes["xi_mean"][1])
    # E_beam = √s/2: a lower √s shifts every ξ by ln(√s'/√s)
    shifted = es.mean_xi(particles, sqrt_s_gev=91.2 / np.e)[0]
    assert shifted == pytest.approx(0.0, abs=1e-12)
    # generator particles: neutral means neither charged nor a neutrino
    gen = ak.zip(
        {
            "px": [[1.0, 2.0, 3.0, 4.0, 5.0]],
            "py": [[0.0] * 5],
            "pz": [[0.0] * 5],
            "E": [[1.0, 2.0, 3.0, 4.0, 5.0]],
            "id": [[211, 22, 2112, -12, 130]],
        }
    )
    assert list(es.neutral_multiplicity(gen)) == [3]
    assert es.mean_xi(gen)[0] == pytest.approx(np.log(45.6), rel=1e-12)


def test_chunking_does_not_change_the_values(monkeypatch):
    rng = np.random.default_rng(8)
    particles = _events(_random_events(rng, 50, 2, 30))
    whole = es.event_shapes(particles)
    monkeypatch.setattr(es, "CHUNK_EVENTS", 7)
    chunked = es.event_shapes(particles)
    for name in es.SHAPE_NAMES:
        np.testing.assert_array_equal(chunked[name], whole[name])


def test_empty_events_give_nan_and_no_events_give_empty_arrays():
    particles = _events([BACK_TO_BACK, np.zeros((0, 3)), MERCEDES])
    shapes = es.event_shapes(particles)
    for name in es.SHAPE_NAMES:
        if name in ("n_charged", "n_neutral"):
            continue
        assert np.isnan(shapes[name][1]), name
        assert np.isfinite(shapes[name][[0, 2]]).all(), name
    assert list(shapes["n_charged"]) == [2, 0, 3]
    assert list(shapes["n_neutral"]) == [0, 0, 0]
    assert np.isnan(es.thrust_axis(particles)[1]).all()
    assert np.isnan(es.thrust_axes(particles)[1]).all()
    assert np.isfinite(es.thrust_axes(particles)[[0, 2]]).all()
    none = es.event_shapes(particles[:0])
    assert all(len(v) == 0 for v in none.values())


def test_charged_multiplicity_from_flag_or_pdg_id():
    flagged = _events([BACK_TO_BACK, MERCEDES], charged=False)
    assert list(es.charged_multiplicity(flagged)) == [0, 0]
    with_ids = ak.zip(
        {
            "px": [[1.0, 2.0, 3.0, 4.0]],
            "py": [[0.0] * 4],
            "pz": [[0.0] * 4],
            "E": [[1.0, 2.0, 3.0, 4.0]],
            "id": [[211, -321, 22, 2112]],
        }
    )
    assert list(es.charged_multiplicity(with_ids)) == [2]
    bare = ak.zip({"px": [[1.0]], "py": [[0.0]], "pz": [[0.0]], "E": [[1.0]]})
    for count in (es.charged_multiplicity, es.neutral_multiplicity, es.mean_xi):
        with pytest.raises(ValueError, match=r"'charged'.*'id'"):
            count(bare)


def test_bad_input_is_refused_with_a_clear_message():
    with pytest.raises(ValueError, match=r"missing \['E'\]"):
        es.thrust(ak.zip({"px": [[1.0]], "py": [[0.0]], "pz": [[0.0]]}))
    with pytest.raises(TypeError, match=r"awkward\.Array"):
        es.thrust(np.ones((3, 4)))
    with pytest.raises(ValueError, match="2 dimensions"):
        es.thrust(ak.zip({"px": [1.0], "py": [0.0], "pz": [0.0], "E": [1.0]}))
    nan = _events([np.array([[np.nan, 0.0, 1.0], [0.0, 0.0, -1.0]])])
    with pytest.raises(ValueError, match="NaN or infinite"):
        es.event_shapes(nan)
    with pytest.raises(ValueError, match="positive energy"):
        es.mean_xi(_events([BACK_TO_BACK]), sqrt_s_gev=0.0)
    with pytest.raises(ValueError, match="zero momentum"):
        es.mean_xi(_events([np.array([[0.0, 0.0, 0.0], [1.0, 0.0, 0.0]])]))
