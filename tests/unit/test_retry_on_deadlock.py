"""A transaction that loses a deadlock runs again; other errors do not.
The conductors' transactions also outlast a lost database connection (a
restart), with a growing, bounded backoff."""
from oslo_db import exception as db_exc
import pytest

from nova_common.conf import CONF
from nova_common.db import engines


def _flaky(failures, error, decorator=engines.retry_on_deadlock):
    calls = []

    @decorator
    def transaction():
        calls.append(1)
        if len(calls) <= failures:
            raise error
        return 'done'
    return transaction, calls


@pytest.mark.parametrize('decorator', [engines.retry_on_deadlock, engines.retry_on_db_error])
def test_a_deadlock_victim_is_run_again(monkeypatch, decorator):
    monkeypatch.setattr('time.sleep', lambda seconds: None)
    transaction, calls = _flaky(2, db_exc.DBDeadlock(), decorator)
    assert transaction() == 'done'
    assert len(calls) == 3


@pytest.mark.parametrize('decorator', [engines.retry_on_deadlock, engines.retry_on_db_error])
def test_other_database_errors_are_not_retried(decorator):
    transaction, calls = _flaky(1, db_exc.DBDuplicateEntry(), decorator)
    with pytest.raises(db_exc.DBDuplicateEntry):
        transaction()
    assert len(calls) == 1


def test_a_lost_connection_is_retried_with_a_growing_backoff(monkeypatch):
    slept = []
    monkeypatch.setattr('time.sleep', slept.append)
    transaction, calls = _flaky(5, db_exc.DBConnectionError(), engines.retry_on_db_error)
    assert transaction() == 'done'
    assert len(calls) == 6
    assert slept == [1, 2, 4, 8, 10]


def test_connection_retries_stop_at_db_max_retries(monkeypatch):
    monkeypatch.setattr('time.sleep', lambda seconds: None)
    CONF.set_override('db_max_retries', 2, group='database')
    transaction, calls = _flaky(10, db_exc.DBConnectionError(), engines.retry_on_db_error)
    with pytest.raises(db_exc.DBConnectionError):
        transaction()
    assert len(calls) == 3
