"""Reconciling sample paths: coherence in every path, the projection's properties, and the rank coupling."""

from __future__ import annotations

import numpy as np
import pytest

from forcast.errors import ParameterError
from forcast.forecasting.reconcile import (METHODS, Hierarchy, ReconciliationError, couple, history_shares,
                                           reconcile_paths)

N, H = 400, 6


@pytest.fixture(scope="module")
def base():
    """A total and three parts drawn independently (so incoherent), all well above zero."""
    rng = np.random.default_rng(7)
    levels = np.array([500.0, 300.0, 200.0])
    parts = [lv + rng.normal(0, lv * 0.1, (N, H)) for lv in levels]
    total = 1050.0 + rng.normal(0, 60.0, (N, H))  # 5% above the parts' sum: the base forecasts disagree
    return total, parts


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("coupling", ["rank", "none"])
def test_every_path_and_period_adds_up(base, method, coupling):
    total, parts = base
    rt, rp = reconcile_paths(total, parts, method, coupling, shares=np.array([0.5, 0.3, 0.2]))
    assert rt.shape == (N, H) and len(rp) == 3
    np.testing.assert_allclose(rt, np.sum(rp, axis=0), rtol=1e-12)
    # so do the totals over any grouping of periods (e.g. a financial year = the first four)
    np.testing.assert_allclose(rt[:, :4].sum(axis=1), sum(p[:, :4].sum(axis=1) for p in rp), rtol=1e-12)


def test_bottom_up_keeps_the_parts_and_sums_them(base):
    total, parts = base
    rt, rp = reconcile_paths(total, parts, "bottom_up", "none")
    for got, want in zip(rp, parts):
        np.testing.assert_array_equal(got, want)
    np.testing.assert_allclose(rt, parts[0] + parts[1] + parts[2])


def test_top_down_splits_the_total_by_the_shares(base):
    total, parts = base
    shares = np.array([0.5, 0.3, 0.2])
    rt, rp = reconcile_paths(total, parts, "top_down", "none", shares=shares)
    np.testing.assert_allclose(rt, total)
    for got, share in zip(rp, shares):
        np.testing.assert_allclose(got, share * total)


def test_ols_moves_total_and_parts_by_the_same_gap(base):
    """With W = I the gap total - sum(parts) is shared equally by the four series: each part gains gap/4 and the
    total loses gap/4 (worked by hand for S = [1 1 1; I3])."""
    total, parts = base
    gap = total - sum(parts)
    rt, rp = reconcile_paths(total, parts, "ols", "none")
    np.testing.assert_allclose(rt, total - gap / 4)
    for got, want in zip(rp, parts):
        np.testing.assert_allclose(got, want + gap / 4)


def test_mint_weights_the_gap_by_the_variances():
    """Two parts and a total with path variances v0 (total), v1, v2: MinT-diagonal moves each series by its share
    of the variance, v_i / (v0 + v1 + v2) of the gap (by hand for the 2-part case)."""
    rng = np.random.default_rng(3)
    sds = np.array([30.0, 10.0, 20.0])
    z = rng.standard_normal((3, 2000, 1))
    z = (z - z.mean(axis=1, keepdims=True)) / z.std(axis=1, keepdims=True)  # exact variances sds**2
    total, p1, p2 = 330.0 + sds[0] * z[0], 100.0 + sds[1] * z[1], 200.0 + sds[2] * z[2]
    v = sds ** 2
    gap = total - p1 - p2
    rt, (r1, r2) = reconcile_paths(total, [p1, p2], "mint", "none")
    np.testing.assert_allclose(r1, p1 + gap * v[1] / v.sum(), rtol=1e-9)
    np.testing.assert_allclose(r2, p2 + gap * v[2] / v.sum(), rtol=1e-9)
    np.testing.assert_allclose(rt, total - gap * v[0] / v.sum(), rtol=1e-9)


@pytest.mark.parametrize("method", ["mint", "ols", "bottom_up"])
def test_coherent_paths_are_left_as_they_are(base, method):
    _, parts = base
    total = sum(parts)
    rt, rp = reconcile_paths(total, parts, method, "none")
    np.testing.assert_allclose(rt, total, rtol=1e-10)
    for got, want in zip(rp, parts):
        np.testing.assert_allclose(got, want, rtol=1e-10)


def test_negative_parts_are_floored_at_zero_and_the_total_resummed():
    total = np.full((4, 2), 10.0)
    parts = [np.full((4, 2), 30.0), np.full((4, 2), 1.0)]  # ols pushes the small part below zero
    rt, rp = reconcile_paths(total, parts, "ols", "none")
    assert (rp[1] >= 0).all() and (rp[1] == 0).all()
    np.testing.assert_allclose(rt, rp[0] + rp[1])


def test_rank_coupling_keeps_each_marginal_and_aligns_the_ranks(base):
    total, parts = base
    coupled = couple(total, parts)
    rank_total = np.argsort(np.argsort(total.sum(axis=1)))
    for before, after in zip(parts, coupled):
        np.testing.assert_array_equal(np.sort(before, axis=0), np.sort(after, axis=0))  # same paths, reordered
        np.testing.assert_array_equal(np.argsort(np.argsort(after.sum(axis=1))), rank_total)


def test_rank_coupling_widens_the_bottom_up_total(base):
    """Independent parts added up give a narrower total than parts that move together."""
    total, parts = base
    independent, _ = reconcile_paths(total, parts, "bottom_up", "none")
    coupled, _ = reconcile_paths(total, parts, "bottom_up", "rank")
    assert coupled.sum(axis=1).std() > 1.4 * independent.sum(axis=1).std()
    np.testing.assert_allclose(coupled.mean(), independent.mean())  # means do not depend on the coupling


def test_history_shares():
    shares = history_shares([np.array([9, 1, 1, 1, 1]), np.array([0, 3, 3, 3, 3])], periods=4)
    np.testing.assert_allclose(shares, [0.25, 0.75])
    with pytest.raises(ReconciliationError, match="top_down needs parts with counts"):
        history_shares([np.zeros(4), np.zeros(4)], periods=4)


def test_settings_are_checked():
    with pytest.raises(ParameterError, match=r"must be one of 'mint', 'ols', 'bottom_up', 'top_down', 'proportional'. Got 'MinT'"):
        Hierarchy("offence_group", method="MinT")
    with pytest.raises(ParameterError, match=r"`coupling` must be one of 'rank', 'none'. Got 'copula'"):
        Hierarchy("offence_group", coupling="copula")
    with pytest.raises(ReconciliationError, match="top_down needs one historical share per part"):
        reconcile_paths(np.ones((3, 2)), [np.ones((3, 2))], "top_down")
    with pytest.raises(ReconciliationError, match=r"Every part needs paths of the total's shape \(3, 2\)"):
        reconcile_paths(np.ones((3, 2)), [np.ones((3, 1))])


def test_proportional_keeps_the_total_and_splits_it_by_the_parts_in_each_path():
    total = np.array([[10.0, 20.0], [30.0, -5.0]])
    parts = [np.array([[1.0, 0.0], [2.0, 1.0]]), np.array([[3.0, 0.0], [2.0, 3.0]])]
    rec_total, rec_parts = reconcile_paths(total, parts, "proportional", coupling="none")
    np.testing.assert_array_equal(rec_total, [[10.0, 20.0], [30.0, 0.0]])  # the total, floored at zero
    np.testing.assert_allclose(rec_parts[0], [[2.5, 10.0], [15.0, 0.0]])  # 1/4 of 10; equal split of 20 (no parts)
    np.testing.assert_allclose(rec_parts[1], [[7.5, 10.0], [15.0, 0.0]])
    np.testing.assert_allclose(rec_parts[0] + rec_parts[1], rec_total)
