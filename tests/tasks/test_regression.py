"""MAE and Pearson's correlation against hand-computed values."""

import numpy as np
import pytest

from circuitlab.errors import CircuitlabError
from circuitlab.tasks.regression import mae, pearson


def test_mae_by_hand():
    assert mae([0.1, 0.5, 0.9], [0.2, 0.5, 0.6]) == pytest.approx((0.1 + 0.0 + 0.3) / 3)


def test_pearson_by_hand():
    # deviations (-1.5, -.5, .5, 1.5) and (-1.5, .5, -.5, 1.5): 4 / sqrt(5 * 5)
    assert pearson([1, 2, 3, 4], [1, 3, 2, 4]) == pytest.approx(0.8)
    assert pearson([1, 2, 3], [2, 4, 6]) == pytest.approx(1.0)
    assert pearson([1, 2, 3], [3, 2, 1]) == pytest.approx(-1.0)


def test_pearson_of_a_constant_is_nan():
    assert np.isnan(pearson(np.full(5, 0.3), [0.1, 0.2, 0.3, 0.4, 0.5]))
    assert np.isnan(pearson([0.1, 0.2], [0.7, 0.7]))


def test_shapes_must_agree():
    with pytest.raises(CircuitlabError, match="2 predictions for 3 targets"):
        mae([1, 2], [1, 2, 3])
    with pytest.raises(CircuitlabError, match="no values"):
        pearson([], [])
