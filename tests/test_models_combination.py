"""The combination: a mixture of whole member paths, fallbacks when a member fails, and its description."""

import re

import numpy as np
import pytest

from forcast.errors import ModelFallbackWarning, ModelFitError, ParameterError, UnknownModelError
from forcast.models.events import LevelShift
from forcast.models.arima import ARIMA
from forcast.models.base import Model
from forcast.models.combination import Combination, _allocate
from forcast.models.ets import ETS

from .conftest import seasonal_series
from .test_models_ets import shifted


class Flat(Model):
    """A fake member: the series mean plus ``offset``, with Gaussian noise of ``sd`` (no time dependence)."""

    name = "flat"

    def __init__(self, offset=0.0, sd=100.0):
        self.offset = offset
        self.sd = sd

    def _fit(self, y, events):
        self.level_ = float(y.mean()) + self.offset

    def _simulate(self, horizon, n_paths, rng):
        return self.level_ + rng.normal(0.0, self.sd, (n_paths, horizon))

    def _describe(self):
        return {"specification": f"flat{self.offset:+g}", "event_effects": [{"event": "e", "effect": self.offset}]}


class Broken(Model):
    """A fake member that fails inside fitting, like statsmodels on degenerate data."""

    name = "broken"

    def _fit(self, y, events):
        raise np.linalg.LinAlgError("Schur decomposition solver error")

    def _simulate(self, horizon, n_paths, rng):  # pragma: no cover - never fitted
        raise AssertionError


@pytest.fixture(scope="module")
def series():
    return seasonal_series(seed=8)


def interval(paths, level=95):
    lo, hi = np.percentile(paths, [(100 - level) / 2, 100 - (100 - level) / 2], axis=0)
    return lo, hi


def test_mixture_widens_the_interval_to_cover_both_members_when_they_disagree(series):
    low, high = Flat(-1000.0), Flat(+1000.0)
    combo = Combination(members=[low, high]).fit(series)
    rng = np.random.default_rng
    paths = combo.simulate(4, 4000, rng(0))
    lo, hi = interval(paths)
    for member in (Flat(-1000.0).fit(series), Flat(+1000.0).fit(series)):
        m_lo, m_hi = interval(member.simulate(4, 4000, rng(1)))
        assert np.all(hi - lo > 2 * (m_hi - m_lo))  # model disagreement is part of the uncertainty
    assert np.all(lo < series.mean() - 1000) and np.all(hi > series.mean() + 1000)
    assert paths.mean() == pytest.approx(series.mean(), abs=20)
    # an average of the two members' paths would instead be *narrower* than either member
    low_paths = Flat(-1000.0).fit(series).simulate(4, 4000, rng(2))
    averaged = (low_paths + Flat(1000.0).fit(series).simulate(4, 4000, rng(3))) / 2
    assert np.all(np.ptp(interval(averaged), axis=0) < 0.8 * (m_hi - m_lo))


def test_paths_are_whole_member_paths_split_by_weight(series):
    combo = Combination(members=[Flat(-5000.0, sd=1.0), Flat(5000.0, sd=1.0)], weights=[1, 3]).fit(series)
    paths = combo.simulate(6, 1001, np.random.default_rng(4))
    from_low = paths[:, 0] < series.mean()
    assert from_low.sum() == 250  # largest remainder: 250.25 -> 250, 750.75 -> 751
    assert np.all((paths < series.mean()) == from_low[:, None])  # each row comes from one member throughout
    assert 0 < np.flatnonzero(from_low).mean() / 1001 < 1 and not from_low[:250].all()  # rows are shuffled


def test_allocation_is_exact_and_sums_to_n():
    assert _allocate(np.array([0.5, 0.5]), 5).tolist() == [3, 2]
    assert _allocate(np.array([0.2, 0.3, 0.5]), 7).tolist() == [1, 2, 4]
    assert _allocate(np.array([1.0, 0.0]), 3).tolist() == [3, 0]


def test_seeded_runs_are_identical_and_members_given_are_not_changed(series):
    ets = ETS(trend="none")
    combo = Combination(members=[ets, "arima"]).fit(series)
    assert not hasattr(ets, "fitted_")
    assert combo.members_[0].get_params() == ets.get_params() and combo.members_[0] is not ets
    a = combo.simulate(5, 300, np.random.default_rng(9))
    np.testing.assert_array_equal(a, combo.simulate(5, 300, np.random.default_rng(9)))
    assert a.shape == (300, 5)


def test_default_members_and_description(series):
    y, start = shifted(seed=2)
    combo = Combination().fit(y, [LevelShift(start, "recording change")])
    d = combo.describe()
    assert [m["model"] for m in d["members"]] == ["ets", "arima"] and d["weights"] == [0.5, 0.5]
    assert re.fullmatch(r"mixture of ETS\(A,\w+,\w\) and ARIMA\(\d,\d,\d\).*, weights 0\.5/0\.5", d["specification"])
    assert d["aicc"] is None and d["failed_members"] == []
    assert [(e["model"], e["start"]) for e in d["event_effects"]] == [("ets", "2017Q1"), ("arima", "2017Q1")]


def test_a_failing_member_warns_and_the_rest_carry_on(series):
    with pytest.warns(ModelFallbackWarning, match=r"The broken member of the combination could not be fitted "
                                                  r"\(LinAlgError: Schur decomposition solver error\); the "
                                                  r"combination continues with the other members\."):
        combo = Combination(members=[Broken(), Flat(0.0)], weights=[3, 1]).fit(series)
    d = combo.describe()
    assert d["weights"] == [1.0] and d["specification"] == "mixture of flat+0, weights 1"
    assert d["failed_members"] == [{"member": "broken", "reason": "LinAlgError: Schur decomposition solver error"}]
    assert combo.simulate(3, 10, np.random.default_rng(0)).shape == (10, 3)


def test_all_members_failing_is_a_fit_error(series):
    with pytest.warns(ModelFallbackWarning):
        with pytest.raises(ModelFitError, match=r"No member of the combination could be fitted \(broken: "
                                                r"LinAlgError: .*; broken: LinAlgError"):
            Combination(members=[Broken(), Broken()]).fit(series)


def test_a_misconfigured_member_is_the_callers_error_not_a_fallback(series):
    with pytest.raises(ParameterError, match=r"ETS `trend` must be one of"):
        Combination(members=[ETS(trend="cubic"), Flat()]).fit(series)


@pytest.mark.parametrize("kwargs, error, message", [
    ({"members": []}, ParameterError, r"`members` must be a non-empty list of models or model names.*Got \[\]"),
    ({"members": "ets"}, ParameterError, r"`members` must be a non-empty list .* Got 'ets'"),
    ({"members": ["ets", 3]}, ParameterError, r"members must be forcast Model instances or model names .* Got int: 3"),
    ({"members": ["prophet"]}, UnknownModelError, r"Unknown model 'prophet'"),
    ({"weights": [1, -1]}, ParameterError, r"`weights` must be 2 non-negative numbers .* Got \[1, -1\]"),
    ({"weights": [1]}, ParameterError, r"`weights` must be 2 non-negative numbers"),
    ({"weights": [0, 0]}, ParameterError, r"with a positive sum\. Got \[0, 0\]"),
])
def test_bad_arguments_are_rejected_at_fit(kwargs, error, message, series):
    with pytest.raises(error, match=message):
        Combination(**kwargs).fit(series)


def test_names_are_resolved_through_the_registry(series):
    combo = Combination(members=["naive", Flat(50.0)]).fit(series)
    assert [m.name for m in combo.members_] == ["naive", "flat"]


def test_from_fitted_combines_without_refitting(series):
    ets, arima = ETS().fit(series), ARIMA(max_p=1, max_q=1).fit(series)
    combo = Combination.from_fitted([ets, arima])
    assert combo.members_[0] is ets and combo.describe()["weights"] == [0.5, 0.5]
    assert combo.future_index(2)[0] == series.index[-1] + 1
    assert combo.simulate(4, 100, np.random.default_rng(0)).shape == (100, 4)
    with pytest.raises(ParameterError, match=r"needs one or more fitted forcast models"):
        Combination.from_fitted([ETS()])
    other = ETS().fit(series.iloc[:-1])
    with pytest.raises(ParameterError, match=r"members fitted to the same series"):
        Combination.from_fitted([ets, other])


def test_weights_by_horizon_year_split_each_year_exactly_and_switch_few_paths(series):
    from forcast.forecasting.forecast import horizon_years

    weights = [[0.5, 0.5], [0.25, 0.75], [0.0, 1.0]]
    combo = Combination([Flat(0.0, sd=0.0), Flat(1000.0, sd=0.0)], weights=weights).fit(series)
    paths = combo.simulate(16, 400, np.random.default_rng(3))
    years = horizon_years(combo.future_index(16))
    base = float(series.mean())
    for year, (w0, w1) in zip((1, 2, 3, 4), weights + [weights[-1]]):  # later years take the last row
        cols = paths[:, years == year]
        assert np.isclose(cols, base).all(axis=1).sum() == round(400 * w0)  # member 0's share, exactly
        assert np.isclose(cols, base + 1000).all(axis=1).sum() == round(400 * w1)
    # a path changes member only where the shares move: 100 paths switch from year 1 to 2, then 100 more
    first = np.isclose(paths[:, years == 1][:, 0], base)
    second = np.isclose(paths[:, years == 2][:, 0], base)
    assert (first & ~second).sum() == 100 and (~first & second).sum() == 0
    assert "by years ahead" in combo.describe()["specification"]
    assert combo.describe()["weights"] == [[0.5, 0.5], [0.25, 0.75], [0.0, 1.0]]


def test_weights_by_horizon_year_must_have_one_column_per_member(series):
    with pytest.raises(ParameterError, match=r"one such row per horizon year\) with a positive sum"):
        Combination([Flat(), Flat(1.0)], weights=[[0.5, 0.3, 0.2]]).fit(series)
