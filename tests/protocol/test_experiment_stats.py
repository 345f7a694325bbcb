import math

import pytest

from circuitlab.protocol.stats import summarise, t_cdf, t_quantile

# Student t 97.5 % quantiles, from printed tables (e.g. NIST/SEMATECH e-Handbook 1.3.6.7.2).
T975 = {1: 12.706204736, 2: 4.302652730, 3: 3.182446305, 4: 2.776445105, 9: 2.262157163,
        29: 2.045229642, 100: 1.983971519}


@pytest.mark.parametrize("df, t", sorted(T975.items()))
def test_t_quantile_matches_the_tables(df, t):
    assert t_quantile(0.975, df) == pytest.approx(t, rel=1e-9)
    assert t_cdf(t, df) == pytest.approx(0.975, abs=1e-9)
    assert t_cdf(-t, df) == pytest.approx(0.025, abs=1e-9)


def test_the_interval_of_three_values_by_hand():
    s = summarise([1.0, 2.0, 3.0])  # mean 2, s = 1
    assert (s.n, s.mean) == (3, 2.0)
    assert s.half == pytest.approx(4.302652730 / math.sqrt(3), rel=1e-9)


def test_nan_and_none_are_left_out_and_one_value_has_no_interval():
    s = summarise([4.0, float("nan"), None])
    assert (s.n, s.mean) == (1, 4.0) and math.isnan(s.half)
    assert summarise([]).n == 0 and math.isnan(summarise([]).mean)
