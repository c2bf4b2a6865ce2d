"""A transaction that loses a deadlock runs again; other errors do not."""
from oslo_db import exception as db_exc
import pytest

from nova_common.db import engines


def _flaky(failures, error):
    calls = []

    @engines.retry_on_deadlock
    def transaction():
        calls.append(1)
        if len(calls) <= failures:
            raise error
        return 'done'
    return transaction, calls


def test_a_deadlock_victim_is_run_again(monkeypatch):
    monkeypatch.setattr('time.sleep', lambda seconds: None)
    transaction, calls = _flaky(2, db_exc.DBDeadlock())
    assert transaction() == 'done'
    assert len(calls) == 3


def test_other_database_errors_are_not_retried():
    transaction, calls = _flaky(1, db_exc.DBDuplicateEntry())
    with pytest.raises(db_exc.DBDuplicateEntry):
        transaction()
    assert len(calls) == 1
