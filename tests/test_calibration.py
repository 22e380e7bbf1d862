"""forcast.evaluation.calibration: the factor rule by hand, restored coverage on deliberately narrow intervals,
storage."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from forcast.evaluation import calibration as calib
from forcast.evaluation import metrics
from forcast.evaluation.backtesting import backtest
from forcast.evaluation.calibration import Calibration, coverage_by_horizon, ratios
from forcast.errors import CalibrationWarning, ParameterError
from forcast.models.base import Model
from forcast.data.series import make_series


class Narrow(Model):
    """Predicts the training mean with intervals about 3x too narrow for the iid noise it is shown."""

    name = "narrow"

    def _fit(self, y, events):
        self.mean_ = float(y.mean())

    def _simulate(self, horizon, n_paths, rng):
        return self.mean_ + rng.normal(0.0, 30.0, size=(n_paths, horizon))


def noise_series(seed: int) -> pd.Series:
    rng = np.random.default_rng(seed)
    index = pd.period_range("2008Q2", periods=40, freq="Q-DEC")
    return make_series(np.round(rng.normal(1000, 100, 40)), index, name=f"noise {seed}", measure="demand",
                       force=f"Force {seed}")


def run(seeds, **kwargs):
    return [backtest(noise_series(s), models=[Narrow()], baselines=False, n_paths=200, seed=s, **kwargs)
            for s in seeds]


@pytest.fixture(scope="module")
def learned():
    bts = run(range(10))
    return bts, Calibration.from_backtests(bts)


def _coverage(bts):
    scores = pd.concat([metrics.score_financial_years(bt) for bt in bts])
    return metrics.summarise_scores(scores, by=("model",)).iloc[0]


H = np.log(1.1)  # the 95% half-width of the test intervals on the relative (log) scale: 100/1.1 to 110


def frame(actual, predicted=100.0, model="m", horizon=1):
    """Intervals 100 * exp(+/-H) at 95% and 100 * exp(+/-H/2) at 80%, with the given actuals."""
    n = len(actual)
    return pd.DataFrame({"model": model, "horizon_year": horizon, "predicted": predicted,
                         "lower_80": predicted * np.exp(-H / 2), "upper_80": predicted * np.exp(H / 2),
                         "lower_95": predicted * np.exp(-H), "upper_95": predicted * np.exp(H),
                         "actual": np.asarray(actual, dtype=float)}, index=range(n))


def at(r, predicted=100.0):
    """Actuals whose 95% ratio is ``r`` (negative: below the forecast)."""
    return predicted * np.exp(np.asarray(r, dtype=float) * H)


def test_ratio_is_the_relative_distance_over_the_half_width_on_the_actual_side():
    fy = frame(at([0.5, -1.0, 0.0]))
    fy.loc[1, "lower_95"] = 100 * np.exp(-2 * H)  # an asymmetric interval: twice as far below
    np.testing.assert_allclose(ratios(fy, 95), [0.5, 0.5, 0.0], atol=1e-12)
    # on the relative scale: 110 is as far above 100 as 100/1.1 is below it
    np.testing.assert_allclose(ratios(frame([110.0, 100 / 1.1]), 95), [1.0, 1.0])


def test_two_sided_factor_is_the_conservative_order_statistic_floored_at_one():
    # ratios at 95 for the 20 actuals: 0.1, 0.2, ..., 2.0, all above; ceil(0.95 * 20) = 19th smallest = 1.9
    fy = frame(at(np.arange(1, 21) / 10))
    row = Calibration.from_frame(fy, min_points=20).factors.iloc[0]
    # at 80 the half-width is H/2, so the ratios are 0.2, ..., 4.0 and the 16th smallest is 3.2
    assert row["two_sided"] == pytest.approx(3.2) and row["basis"] == "horizon year"
    # upper tail: at most 2.5% (95) / 10% (80) of all 20 above: the 20th (2.0 at 95) and the 18th (3.6 at 80)
    assert row["tail_upper"] == pytest.approx(3.6) and row["factor_upper"] == pytest.approx(3.6)
    assert row["tail_lower"] == 0.0 and row["factor_lower"] == pytest.approx(3.2)  # floored by the two-sided
    wide = Calibration.from_frame(frame(at([0.05, 0.1])), min_points=1).factors.iloc[0]
    assert wide["factor_lower"] == wide["factor_upper"] == 1.0  # never narrows


def test_each_side_takes_its_own_tail_factor_and_at_least_the_two_sided_one():
    # 40 actuals: 36 near the forecast, 3 far above (ratio 3, 4, 5 at 95%) and 1 below (ratio 2)
    fy = frame(at([0.1] * 36 + [3.0, 4.0, 5.0, -2.0]))
    row = Calibration.from_frame(fy, levels=(95,), min_points=20).factors.iloc[0]
    assert row["two_sided"] == pytest.approx(3.0)  # ceil(0.95 * 40) = 38th smallest of all ratios
    assert row["tail_upper"] == pytest.approx(4.0)  # ceil(0.975 * 40) = 39th of (37 x 0 or 0.1, 3, 4, 5)
    assert row["tail_lower"] == pytest.approx(0.0)  # the one actual below is the 40th: 1 of 40 is 2.5%
    assert row["factor_upper"] == pytest.approx(4.0) and row["factor_lower"] == pytest.approx(3.0)
    # widened that way, the actuals beyond each bound are at most 2.5% of all
    r, above = ratios(fy, 95), fy["actual"] >= fy["predicted"]
    assert ((r > row["factor_upper"]) & above).mean() <= 0.025 and ((r > row["factor_lower"]) & ~above).mean() <= 0.025


def test_small_cells_take_the_models_factor_over_all_horizons_and_never_fall_with_the_horizon():
    fy = pd.concat([frame(at([0.1] * 25), horizon=1), frame(at([3.0] * 3), horizon=2),
                    frame(at([0.2] * 25), horizon=3)], ignore_index=True)
    f = Calibration.from_frame(fy, min_points=20).factors.set_index("horizon_year")
    assert list(f["basis"]) == ["horizon year", "all horizons", "horizon year"]
    assert f.loc[1, "factor_upper"] == f.loc[1, "factor_lower"] == 1.0  # ratios 0.1 (95%), 0.2 (80%): no need
    # horizon 2 has 3 points, so it takes the pooled ratios (95%: 25 x 0.1, 25 x 0.2, 3 x 3.0; 80%: twice those).
    # Two-sided at 95%: ceil(0.95 * 53) = 51st -> 3.0 (at 80%: 43rd -> 0.4); upper tail at 95%: 52nd -> 3.0
    # (at 80%: ceil(0.9 * 53) = 48th -> 0.4); lower tail: all 0
    assert f.loc[2, "two_sided"] == pytest.approx(3.0) and f.loc[2, "tail_upper"] == pytest.approx(3.0)
    assert f.loc[2, "tail_lower"] == 0.0 and f.loc[2, "factor_lower"] == pytest.approx(3.0)  # the floor
    assert f.loc[3, "two_sided"] == pytest.approx(0.4)  # as learned: the model intervals were 2.5 times too wide
    assert f.loc[3, "factor_upper"] == pytest.approx(3.0)  # but the applied factors never fall with the horizon
    assert f.loc[3, "factor_lower"] == pytest.approx(3.0)


def test_calibration_restores_coverage_in_sample_and_out_of_sample(learned):
    bts, cal = learned
    before = _coverage(bts)
    assert before["coverage_95"] < 0.6  # the intervals really are too narrow
    assert (cal.factors[["factor_lower", "factor_upper"]] > 2).all().all()
    assert (cal.factors["basis"] == "horizon year").all()
    widened = pd.concat([bt.widened(cal).financial_years() for bt in bts])
    cov = coverage_by_horizon(widened)
    assert (cov["coverage_95"] >= 0.95).all() and (cov["coverage_80"] >= 0.80).all()  # guaranteed on its data
    fresh = _coverage(run(range(10, 20), calibration=cal))  # new series, calibrated as forecast() does it
    assert fresh["coverage_95"] >= 0.85 and fresh["coverage_80"] >= 0.65


def test_factors_for_each_forecast_period(learned):
    _, cal = learned
    f = cal.factors.set_index("horizon_year")
    lower, upper = cal.factors_for("narrow", [1, 1, 2, 4, 7])
    np.testing.assert_allclose(lower, f["factor_lower"][[1, 1, 2, 4, 4]])
    np.testing.assert_allclose(upper, f["factor_upper"][[1, 1, 2, 4, 4]])
    np.testing.assert_allclose(cal.factors_for("unknown", [1, 2])[1], f["factor_upper"][[1, 2]])  # largest needed


def test_note_discloses_the_factors_the_series_and_the_origins():
    factors = pd.DataFrame({"model": "combination", "horizon_year": [1, 2, 3, 4], "n": 300,
                            "basis": "horizon year", "two_sided": 1.0, "tail_lower": 1.0, "tail_upper": 1.0,
                            "factor_lower": [1.3, 1.6, 1.9, 2.1], "factor_upper": [1.5, 1.9, 2.4, 2.4]})
    origins = tuple(f"{y}-03-31" for y in range(2011, 2018))
    cal = Calibration(factors, series=tuple(f"F{i}" for i in range(44)), origins=origins)
    assert cal.note == ("Intervals are calibrated: widened above the forecast by factors 1.5–2.4 and below it by "
                        "1.3–2.1, learned from backtests of 44 forces (origins March 2011–2017) so that past "
                        "actuals would have fallen outside them no more often than the stated rates allow, above "
                        "or below.")
    same = Calibration(factors.assign(factor_upper=factors["factor_lower"]), series=("Kent",))
    assert same.note.startswith("Intervals are calibrated: widened by factors 1.3–2.1, learned from backtests "
                                "of Kent so that")
    none = Calibration(factors.assign(factor_lower=1.0, factor_upper=1.0), series=("Kent",))
    assert "not widened" in none.note


def test_json_round_trip(tmp_path, learned):
    _, cal = learned
    path = tmp_path / "cal.json"
    text = cal.to_json(path)
    back = Calibration.from_json(path)
    pd.testing.assert_frame_equal(back.factors, cal.factors, check_dtype=False)
    assert back.note == cal.note and back.series == cal.series and Calibration.from_json(text).origins == cal.origins
    assert back.applies_to(noise_series(0)) and not back.applies_to(
        make_series([1, 2], pd.period_range("2020-01", periods=2, freq="M"), name="m", measure="demand"))


def test_known_by_learns_only_from_years_that_had_ended(learned):
    bts, _ = learned
    early = Calibration.from_backtests(bts, known_by="2014-03-31")
    assert early.factors["n"].sum() == 10 * (3 + 2 + 1)  # origins 2011-13; years up to 2013/14
    assert early.origins == ("2011-03-31", "2012-03-31", "2013-03-31")


def test_exclude_years_leaves_out_every_forecast_of_those_years(learned):
    bts, full = learned
    fy = pd.concat([bt.financial_years() for bt in bts])
    left_out = fy[fy["financial_year"] == "2014/15"].groupby("horizon_year").size()
    cal = Calibration.from_backtests(bts, exclude_years="2014/15")
    n = cal.factors.set_index("horizon_year")["n"] - full.factors.set_index("horizon_year")["n"]
    assert (left_out > 0).all() and n.to_dict() == (-left_out).to_dict()
    both = Calibration.from_backtests(bts, exclude_years=["2014/15", "2015/16"])
    assert both.factors["n"].sum() == len(fy) - fy["financial_year"].isin(["2014/15", "2015/16"]).sum()


def test_default_is_none_with_a_warning_when_not_installed(monkeypatch):
    monkeypatch.setattr(calib, "_DEFAULT_FILE", "no-such-calibration.json")
    with pytest.warns(CalibrationWarning, match="No default calibration"):
        assert calib.default() is None


def test_refinement_learns_on_the_widened_totals(learned):
    bts, refined = learned
    plain = Calibration.from_backtests(bts, refine=0)
    learned_columns = ["two_sided", "tail_lower", "tail_upper"]
    pd.testing.assert_frame_equal(plain.factors[learned_columns], refined.factors[learned_columns])  # same steps 2-3
    # the refined factors are what the widened financial-year totals needed: re-scoring them asks for ~nothing more
    again = Calibration.from_frame(pd.concat([bt.widened(refined).financial_years() for bt in bts]))
    assert again.factors[["tail_lower", "tail_upper"]].max().max() <= 1.02
    with pytest.raises(ParameterError, match=r"`refine` must be an integer from 0 to 10\. Got -1"):
        Calibration.from_backtests(bts, refine=-1)


def test_older_calibration_files_are_refused_with_the_way_to_make_a_new_one(learned):
    _, cal = learned
    text = cal.to_json().replace('"version": 3', '"version": 2')
    with pytest.raises(ParameterError, match=r"version 2.*version-3 calibration.*from_backtests"):
        Calibration.from_json(text)
