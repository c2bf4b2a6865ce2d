"""The last completed audit period before a moment, per unit."""
import datetime

import pytest

from nova_common import audit_period

D = datetime.datetime


@pytest.mark.parametrize('unit, before, expected', [
    ('hour', D(2012, 6, 15, 10, 30), (D(2012, 6, 15, 9), D(2012, 6, 15, 10))),
    ('hour', D(2012, 6, 15, 10), (D(2012, 6, 15, 8), D(2012, 6, 15, 9))),
    ('day', D(2012, 6, 15, 10), (D(2012, 6, 14), D(2012, 6, 15))),
    ('day', D(2012, 6, 15), (D(2012, 6, 13), D(2012, 6, 14))),
    ('month', D(2012, 6, 15), (D(2012, 5, 1), D(2012, 6, 1))),
    ('month', D(2012, 6, 1), (D(2012, 4, 1), D(2012, 5, 1))),
    ('month', D(2012, 1, 10), (D(2011, 12, 1), D(2012, 1, 1))),
    ('month', D(2012, 2, 1), (D(2011, 12, 1), D(2012, 1, 1))),
    ('month', D(2012, 1, 1), (D(2011, 11, 1), D(2011, 12, 1))),
    ('year', D(2012, 6, 15), (D(2011, 1, 1), D(2012, 1, 1))),
    ('year', D(2012, 1, 1), (D(2010, 1, 1), D(2011, 1, 1))),
])
def test_last_completed(unit, before, expected):
    assert audit_period.last_completed(unit, before) == expected


def test_unknown_unit():
    with pytest.raises(ValueError):
        audit_period.last_completed('week', D(2012, 6, 15))
