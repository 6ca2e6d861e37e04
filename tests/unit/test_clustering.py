"""Firm typologies: determinism, guards, canonical numbering, names, the map (no Flask, no database)."""
from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from maturity.clustering import names
from maturity.clustering.chart import map_svg
from maturity.clustering.engine import (
    NO_STRUCTURE,
    OK,
    TOO_FEW_FIRMS,
    TOO_FEW_PROFILES,
    FitParams,
    _canonical,
    fit_typologies,
    nearest_cluster,
    silhouettes,
)

DOMAINS = ["GESTION_EMPRESARIAL", "COMERCIO_ELECTRONICO", "ANALISIS_DE_DATOS", "MARKETING_DIGITAL",
           "MEDIOS_DE_PAGO", "FINANZAS"]
# Three kinds of firm on Ruta Digital's six domains: sellers, managers, beginners.
CENTRES = np.array([[25, 65, 20, 60, 55, 35], [65, 20, 60, 20, 25, 70], [12, 10, 8, 10, 18, 25]], dtype=float)


def three_groups(n: int = 300, seed: int = 1) -> np.ndarray:
    rng = np.random.default_rng(seed)
    labels = np.arange(n) % 3
    return np.clip(CENTRES[labels] + rng.normal(0, 5, (n, 6)), 0, 100).round(2)


FAST = FitParams(n_init=5, map_points=200)


def test_the_same_data_gives_the_same_fit_twice():
    x = three_groups()
    first, second = fit_typologies(x, DOMAINS, FAST), fit_typologies(x, DOMAINS, FAST)
    assert first.ok and first.result == second.result and first.labels == second.labels
    assert first.extra == second.extra
    json.dumps(first.result)  # stored as data: JSON, never pickled


def test_shuffled_rows_give_the_same_names_sizes_and_centroids():
    x = three_groups()
    order = np.random.default_rng(7).permutation(len(x))
    first, shuffled = fit_typologies(x, DOMAINS, FAST), fit_typologies(x[order], DOMAINS, FAST)
    assert [(c["name"], c["size"], c["centroid"]) for c in first.result["clusters"]] == \
           [(c["name"], c["size"], c["centroid"]) for c in shuffled.result["clusters"]]
    assert [first.labels[i] for i in order] == shuffled.labels


def test_three_kinds_of_firm_are_found_numbered_and_named():
    fit = fit_typologies(three_groups(), DOMAINS, FAST)
    result = fit.result
    assert result["k"] == 3 and result["method"] == "kmeans"
    assert [c["size"] for c in result["clusters"]] == [100, 100, 100]
    # Canonical order: ascending mean centroid score — beginners, then sellers, then managers.
    means = [np.mean(list(c["centroid"].values())) for c in result["clusters"]]
    assert means == sorted(means)
    assert [c["name"]["en"] for c in result["clusters"]] == [
        "Behind on every front, most of all in data analysis",
        "E-commerce ahead, management lagging",
        "Management ahead, e-commerce lagging",
    ]
    assert result["clusters"][1]["name"]["es"] == "Comercio electrónico adelante, gestión rezagada"
    assert set(result["silhouette"]) == {str(k) for k in range(2, 9)}
    assert result["versions"]["scikit-learn"] and result["params"]["n_init"] == 5
    assert fit.labels[:3] == [2, 3, 1]


def test_missing_scores_are_imputed_with_the_column_median():
    x = three_groups()
    x[::10, 5] = np.nan
    fit = fit_typologies(x, DOMAINS, FAST)
    assert fit.ok and fit.result["imputed"]["FINANZAS"] == 30
    assert fit.result["medians"]["FINANZAS"] == pytest.approx(np.nanmedian(x[:, 5]), abs=1e-3)


def test_an_empty_dimension_is_dropped():
    x = np.column_stack([three_groups(), np.full(300, np.nan)])
    fit = fit_typologies(x, [*DOMAINS, "T5"], FAST)
    assert fit.ok and fit.result["dropped"] == ["T5"] and fit.result["dimensions"] == DOMAINS


def test_fewer_than_thirty_firms_is_a_result_not_an_error():
    fit = fit_typologies(three_groups()[:29], DOMAINS, FAST)
    assert fit.result["status"] == TOO_FEW_FIRMS and fit.labels is None
    assert fit.message() == "too few firms: 29 (at least 30 are needed)"


def test_identical_profiles_cannot_be_grouped():
    fit = fit_typologies(np.full((50, 6), 40.0), DOMAINS, FAST)
    assert fit.result["status"] == TOO_FEW_PROFILES and fit.result["n_distinct"] == 1


def test_k_stays_below_the_number_of_distinct_profiles():
    # 60 firms, only 4 distinct profiles: k is searched over 2…3 only.
    x = np.repeat(np.array([[10.0] * 6, [90.0] * 6, [10.0, 90.0] * 3, [90.0, 10.0] * 3]), 15, axis=0)
    fit = fit_typologies(x, DOMAINS, FAST)
    assert fit.ok and fit.result["k_range"] == [2, 3] and set(fit.result["silhouette"]) <= {"2", "3"}
    two = fit_typologies(np.repeat(np.array([[10.0] * 6, [90.0] * 6]), 20, axis=0), DOMAINS, FAST)
    assert two.result["status"] == TOO_FEW_PROFILES and two.result["n_distinct"] == 2


def test_fewer_distinct_clusters_than_k_skips_that_k(monkeypatch):
    from sklearn.exceptions import ConvergenceWarning

    from maturity.clustering import engine

    real = engine._model

    def warning_at_four(k, n, params):
        method, model = real(k, n, params)
        if k == 4:
            def fit_predict(_z):
                import warnings
                warnings.warn("Number of distinct clusters (3) found smaller than n_clusters (4).",
                              ConvergenceWarning, stacklevel=2)
            model.fit_predict = fit_predict
        return method, model

    monkeypatch.setattr(engine, "_model", warning_at_four)
    fit = fit_typologies(three_groups(), DOMAINS, FAST)
    assert fit.ok and fit.result["skipped"] == {"4": "fewer distinct clusters than k"}
    assert "4" not in fit.result["silhouette"]


def test_a_single_label_has_no_silhouette_and_no_k_means_no_structure(monkeypatch):
    from maturity.clustering import engine

    monkeypatch.setattr(engine, "_fit_labels", lambda z, k, params: ("kmeans", np.zeros(len(z), dtype=int)))
    fit = fit_typologies(three_groups(), DOMAINS, FAST)
    assert fit.result["status"] == NO_STRUCTURE
    assert set(fit.result["skipped"].values()) == {"one label in the sample"}
    assert silhouettes(np.zeros((5, 2)), {2: np.zeros(5, dtype=int)}) == {2: None}


def test_our_silhouette_equals_scikit_learns():
    from sklearn.metrics import silhouette_score

    rng = np.random.default_rng(3)
    z = rng.normal(size=(700, 4))
    labelings = {k: rng.integers(0, k, 700) for k in (2, 3, 5)}
    labelings[6] = np.r_[np.zeros(699, dtype=int), 5]  # a group of one scores 0
    ours = silhouettes(z, labelings, chunk=128)
    for k, labels in labelings.items():
        assert ours[k] == pytest.approx(silhouette_score(z, labels), abs=1e-9)


def test_canonical_relabelling_orders_by_mean_then_by_dimension_order():
    xs = np.array([[50.0, 10.0], [50.0, 10.0], [10.0, 50.0], [10.0, 50.0], [0.0, 0.0]])
    # Two groups with the same mean (30): the one lower on the first dimension comes first.
    assert list(_canonical(xs, np.array([7, 7, 3, 3, 9]))) == [3, 3, 2, 2, 1]


def test_the_silhouette_sample_is_bounded_and_seeded():
    params = FitParams(n_init=2, sample_size=120, map_points=50, k_max=3)
    first = fit_typologies(three_groups(), DOMAINS, params)
    assert first.result["sample"] == 120
    assert fit_typologies(three_groups(), DOMAINS, params).result == first.result


def test_large_inputs_use_minibatch_kmeans():
    fit = fit_typologies(three_groups(3000), DOMAINS, FitParams(minibatch_above=1000, k_max=4, map_points=100))
    assert fit.ok and fit.result["method"] == "minibatch-kmeans" and fit.result["k"] == 3


@pytest.mark.parametrize(("z", "en", "es"), [
    ({"T4": 1.2, "M1": -0.8, "M6": 0.1}, "Digital sales ahead, strategy lagging",
     "Ventas digitales adelante, estrategia rezagada"),
    ({"T6": -1.0, "M6": 0.4, "T4": 0.2}, "Finance ahead, data lagging", "Finanzas adelante, datos rezagados"),
    ({"T4": 0.9, "M6": 0.3, "T6": 0.0}, "Ahead on every front, most of all in digital sales",
     "Adelante en todo, sobre todo en ventas digitales"),
    ({"T4": -0.9, "M6": -1.3, "T6": 0.0}, "Behind on every front, most of all in finance",
     "Por detrás en todo, sobre todo en finanzas"),
    ({"T4": 0.1, "M6": -0.2, "T6": 0.05}, "Close to the average", "Cerca del promedio"),
])
def test_names_are_plain_words_in_both_languages(z, en, es):
    [named] = names.cluster_names([z], list(z))
    assert named["name"] == {"en": en, "es": es}


def test_two_groups_never_share_a_name():
    dims = ["T4", "T6", "M6"]
    named = names.cluster_names([{"T4": 1.0, "T6": 0.5, "M6": -1.0}, {"T4": 0.8, "T6": 0.2, "M6": -0.9}], dims)
    assert named[0]["name"]["en"] == "Digital sales ahead, finance lagging"
    assert named[1]["name"]["en"] == "Data ahead, finance lagging"


def test_every_dimension_has_a_phrase_in_both_languages():
    ours = [f"T{i}" for i in range(1, 7)] + [f"M{i}" for i in range(1, 7)]
    assert set(ours + DOMAINS) <= set(names.PHRASES)
    for es, gender, en in names.PHRASES.values():
        assert es and en and gender in {"f", "m", "fp", "mp"}


def test_the_map_is_svg_with_a_bounded_deterministic_sample():
    fit = fit_typologies(three_groups(900), DOMAINS, FitParams(n_init=3, map_points=250))
    chart = fit.extra["map"]
    assert len(chart["points"]) == 250 and len(chart["centroids"]) == 3
    assert fit_typologies(three_groups(900), DOMAINS, FitParams(n_init=3, map_points=250)).extra["map"] == chart
    svg = map_svg(chart, ["<b>uno</b>", "dos", "tres"], "Grupos & mapa", [300, 300, 300])
    assert svg.startswith("<svg") and svg.count("<circle") == 250
    assert "&lt;b&gt;uno&lt;/b&gt; (300)" in svg and "Grupos &amp; mapa" in svg


def test_nearest_cluster_scales_each_axis():
    centroids = {1: {"a": 0.0, "b": 0.0}, 2: {"a": 10.0, "b": 100.0}}
    assert nearest_cluster({"a": 9.0, "b": 20.0}, centroids, {"a": 1.0, "b": 1.0}) == 1
    assert nearest_cluster({"a": 9.0, "b": 20.0}, centroids, {"a": 1.0, "b": 100.0}) == 2
    assert nearest_cluster({}, centroids, {"a": 1.0}) is None


def test_the_pure_modules_import_neither_flask_nor_sqlalchemy_nor_sklearn():
    code = ("import sys; import maturity.clustering.engine, maturity.clustering.names, maturity.clustering.chart, "
            "maturity.baseline.ruta_digital; "
            "print(sorted(m for m in ('flask', 'sqlalchemy', 'sklearn', 'numpy') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_a_fit_result_is_ok():
    assert fit_typologies(three_groups(), DOMAINS, FAST).result["status"] == OK


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 60), st.integers(1, 6), st.integers(0, 2**16))
def test_any_matrix_gives_a_result_never_an_error(n, levels, seed):
    """Discrete answers repeat profiles (code_anchors §3.4): whatever the data, a result comes back."""
    rng = np.random.default_rng(seed)
    x = rng.integers(0, levels, (n, 4)).astype(float) * 20
    x[rng.random(x.shape) < 0.1] = np.nan
    fit = fit_typologies(x, ["T1", "T2", "M1", "M2"], FitParams(n_init=2, k_max=4, map_points=40))
    result = fit.result
    json.dumps(result)
    if fit.ok:
        assert sum(c["size"] for c in result["clusters"]) == n and len(fit.labels) == n
        assert 2 <= result["k"] < result["n_distinct"] and sorted(set(fit.labels)) == list(range(1, result["k"] + 1))
        assert len({c["name"]["en"] for c in result["clusters"]}) == result["k"]
    else:
        assert fit.labels is None and fit.message()


def test_no_grouping_keeps_a_group_smaller_than_the_publication_threshold():
    """Three outliers would make a tidy third group; a group of three firms is never chosen."""
    rows = [[80 + i % 4, 20 + i % 3] for i in range(20)] + [[20 + i % 4, 80 + i % 3] for i in range(20)]
    rows += [[5.0, 5.0], [6.0, 5.0], [5.0, 6.0]]
    free = fit_typologies(rows, ["T1", "M1"], FitParams(min_group_size=1))
    guarded = fit_typologies(rows, ["T1", "M1"], FitParams())
    assert min(c["size"] for c in free.result["clusters"]) == 3
    assert min(c["size"] for c in guarded.result["clusters"]) >= 5
    assert any("fewer than 5" in why for why in guarded.result["skipped"].values())
