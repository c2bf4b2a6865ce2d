"""Found by the fault-injection bench (issue 13): RPC calls that time out
and land later, and a super-conductor that dies half-way, must never
leave an ACTIVE server without its claim, an ERROR one with a claim, or
one server in two cells.

The conductor stand-in below holds chosen instance_update calls back: the
compute gets a MessagingTimeout at once, and the held call lands (in
order) just before the compute's next conductor call, as a slow
conductor works through its queue."""
import oslo_messaging as messaging
import pytest

from nova_common import compute_states as states
from nova_common.conf import CONF
from nova_common import context as nova_context
from nova_common.db.api import build_requests
from nova_common.db.api import cells
from nova_common.db.api import instance_mappings
from nova_common.db.api import instances
from nova_common.db.api import ledger
from nova_common import exception
from nova_compute.virt import fake
from nova_conductor import rpcapi as conductor_rpcapi
from nova_conductor.tasks import build
from nova_conductor.tasks import lost_builds
from tests.functional import migrated_sqlite
from tests.functional.cloud_helpers import wait_for
from tests.functional.test_boot_path import boot
from tests.functional.test_boot_path import leftovers
from tests.functional.test_boot_path import running  # noqa: F401 - the fixture
from tests.functional.test_boot_path import show
from tests.functional.test_boot_path import wait_status

HOLD, LATE, LOSE = 'hold', 'late', 'lose'


def _claimed(uuid):
    return ledger.consumers(nova_context.get_admin_context()).get(uuid, False) is not False


class SlowConductor:
    """Decides per instance_update call (by the vm_state it writes, in
    order) whether it answers, times out and lands before the next call
    (HOLD), times out and lands when the test says (LATE, land_late), or
    times out and never lands (LOSE)."""

    def __init__(self, monkeypatch, plan):
        self.plan = {key: list(value) for key, value in plan.items()}
        self.held = []
        self.late = []
        self.real_update = conductor_rpcapi.ConductorAPI.instance_update
        real_release = conductor_rpcapi.ConductorAPI.release_allocations
        real_fault = conductor_rpcapi.ConductorAPI.instance_fault_create
        monkeypatch.setattr(conductor_rpcapi.ConductorAPI, 'instance_update',
                            lambda api, *args, **kwargs: self.update(api, *args, **kwargs))
        monkeypatch.setattr(conductor_rpcapi.ConductorAPI, 'release_allocations',
                            self._after_held(real_release))
        monkeypatch.setattr(conductor_rpcapi.ConductorAPI, 'instance_fault_create',
                            self._after_held(real_fault))

    def land_held(self):
        held, self.held = self.held, []
        self._land(held)

    def land_late(self):
        late, self.late = self.late, []
        self._land(late)

    def _land(self, calls):
        for api, args, kwargs in calls:
            try:
                self.real_update(api, *args, **kwargs)
            except (exception.InstanceNotFound, exception.InstanceInvalidState):
                pass  # nobody is waiting for the answer any more

    def _after_held(self, real):
        def call(api, *args, **kwargs):
            self.land_held()
            return real(api, *args, **kwargs)
        return call

    def update(self, api, context, uuid, values, *args, **kwargs):
        self.land_held()
        plan = self.plan.get(values.get('vm_state'))
        fate = plan.pop(0) if plan else None
        if fate in (HOLD, LATE):
            queue = self.held if fate == HOLD else self.late
            queue.append((api, (context, uuid, values) + args, kwargs))
        if fate in (HOLD, LATE, LOSE):
            raise messaging.MessagingTimeout('the conductor is slow')
        return self.real_update(api, context, uuid, values, *args, **kwargs)


@pytest.fixture
def destroyed(monkeypatch):
    """The uuids whose guest the fake driver removed."""
    removed = []
    real_destroy = fake.FakeDriver.destroy

    def destroy(self, context, instance):
        removed.append(instance['uuid'])
        return real_destroy(self, context, instance)

    monkeypatch.setattr(fake.FakeDriver, 'destroy', destroy)
    return removed


def test_active_landing_after_its_timeout_keeps_the_claim(running, monkeypatch, destroyed):
    """The bench's case: "ACTIVE" and the first ERROR both time out, and
    both land before the compute's next call. The server is ACTIVE: its
    claim and guest stay."""
    slow = SlowConductor(monkeypatch, {states.ACTIVE: [HOLD], states.ERROR: [HOLD]})
    uuid = boot(running).json['server']['id']
    server = wait_status(running, uuid, 'ACTIVE')
    wait_for(lambda: not slow.plan[states.ERROR] and not slow.held,
             what='the late ERROR to land')
    assert server['status'] == 'ACTIVE'
    assert _claimed(uuid), 'an ACTIVE server keeps its claim'
    assert uuid not in destroyed, 'the guest of an ACTIVE server stays'


def test_error_landing_after_its_timeout_frees_claim_and_guest(
        running, monkeypatch, destroyed):
    """"ACTIVE" is lost, the first ERROR lands late: asking again confirms
    ERROR, so the compute removes the guest; the claim is freed."""
    SlowConductor(monkeypatch, {states.ACTIVE: [LOSE], states.ERROR: [HOLD]})
    uuid = boot(running).json['server']['id']
    server = wait_status(running, uuid, 'ERROR')
    assert server['fault']['message'].startswith('Build of the instance failed on')
    wait_for(lambda: uuid in destroyed, what='the guest to be removed')
    assert not _claimed(uuid)


def test_error_landing_after_the_compute_gave_up_still_frees_the_claim(
        running, monkeypatch, destroyed):
    """Every ERROR attempt times out and lands only after the compute gave
    up (claim and guest kept): the conductor frees the claim as it writes
    ERROR."""
    slow = SlowConductor(monkeypatch, {states.ACTIVE: [LOSE],
                                       states.ERROR: [LATE, LOSE, LOSE]})
    uuid = boot(running).json['server']['id']
    wait_for(lambda: not slow.plan[states.ERROR], what='every ERROR attempt')
    assert _claimed(uuid), 'nothing known: the compute keeps the claim'
    slow.land_late()
    assert show(running, uuid)['status'] == 'ERROR'
    assert not _claimed(uuid), 'the conductor freed it with the ERROR it wrote'
    assert uuid not in destroyed
    running.delete('/v2.1/servers/%s' % uuid, token='demo:demo', status=204)
    wait_for(lambda: uuid in destroyed, what='the delete to remove the guest')
    wait_for(lambda: leftovers(running) == (0, 0, 0, 0), what='nothing left')


def test_conductor_answering_nothing_keeps_the_claim_for_the_timeout_check(
        running, monkeypatch, destroyed):
    """Neither "ACTIVE" nor any ERROR ever lands: the server stays in BUILD
    with its claim and guest until the build timeout check ends it."""
    SlowConductor(monkeypatch, {states.ACTIVE: [LOSE], states.ERROR: [LOSE] * 3})
    uuid = boot(running).json['server']['id']
    wait_for(lambda: show(running, uuid).get('OS-EXT-STS:task_state') == states.SPAWNING,
             what='the spawn')
    CONF.set_override('instance_build_timeout', 1)
    wait_for(lambda: lost_builds.end_overdue_builds(nova_context.get_admin_context()),
             what='the build timeout check')
    server = show(running, uuid)
    assert server['status'] == 'ERROR'
    assert server['fault']['message'] == lost_builds.BUILD_TIMED_OUT
    assert not _claimed(uuid)


# --- one server in two cells -------------------------------------------------

@pytest.fixture
def cell2(running, tmp_path):
    url = 'sqlite:///%s/cell2.db' % tmp_path
    migrated_sqlite.upgrade('main', url)
    return cells.create_cell(running.admin_context, 'cell2', url, 'fake:/')


def _rows(context, cell, uuid):
    with nova_context.target_cell(context, cell) as cell_context:
        return [(row['deleted'] != 0, row['vm_state'])
                for row in instances.list(cell_context, {'uuid': [uuid]})]


def _died_after_creating_in(monkeypatch, cell):
    """The super-conductor creates the instance in ``cell`` and dies before
    it removes the build request."""
    def create_then_die(context, uuid, request_spec, selections):
        build_request = build_requests.get(context, uuid)
        values = dict(build_request['instance'], host='test-host', node=selections[0][
            'nodename'], vm_state=states.BUILDING, task_state=states.SCHEDULING)
        with nova_context.target_cell(context, cell) as cell_context:
            build._create_in_cell(cell_context, uuid, build.persistence.with_datetimes(values),
                                  context)
    monkeypatch.setattr(build, '_build_in_cell', create_then_die)


def test_lost_build_created_in_a_cell_is_ended_there_not_buried_again(
        running, cell2, monkeypatch):
    _died_after_creating_in(monkeypatch, cell2)
    uuid = boot(running).json['server']['id']
    ctx = nova_context.get_admin_context()
    wait_for(lambda: _rows(ctx, cell2, uuid) and _claimed(uuid), what='the half-made build')
    CONF.set_override('build_request_timeout', 1, group='conductor')
    # This check, or the conductor's periodic one: either ends it.
    wait_for(lambda: lost_builds.bury_lost_build_requests(ctx) is not None and
             build_requests.get(ctx, uuid) is None, what='the lost-build check')

    assert _rows(ctx, running.cell0, uuid) == [], 'no second copy in cell0'
    assert _rows(ctx, cell2, uuid) == [(False, states.ERROR)]
    assert instance_mappings.get(ctx, uuid)['cell']['uuid'] == cell2['uuid']
    assert build_requests.get(ctx, uuid) is None
    assert not _claimed(uuid)
    server = show(running, uuid)
    assert server['status'] == 'ERROR'
    assert server['fault']['message'] == lost_builds.LOST_BEFORE_COMPUTE % 1
    assert lost_builds.bury_lost_build_requests(ctx) == [], 'ended once'

    running.delete('/v2.1/servers/%s' % uuid, token='demo:demo', status=204)
    assert _rows(ctx, cell2, uuid) == [(True, states.DELETED)], 'the only copy is deleted'
    assert leftovers(running)[1:3] == (0, 0)


def test_lost_build_waits_while_a_cell_does_not_answer(running, cell2, monkeypatch):
    """A cell that cannot be searched may hold the instance: no bury yet."""
    monkeypatch.setattr(build, '_build_in_cell', lambda *args: None)
    uuid = boot(running).json['server']['id']
    ctx = nova_context.get_admin_context()
    wait_for(lambda: _claimed(uuid), what='the claim of the lost build')
    CONF.set_override('build_request_timeout', 1, group='conductor')
    real_list = instances.list

    def cell2_down(context, filters, *args, **kwargs):
        if context.cell_uuid == cell2['uuid']:
            raise exception.CellTimeout(uuid=cell2['uuid'])
        return real_list(context, filters, *args, **kwargs)

    monkeypatch.setattr(instances, 'list', cell2_down)
    wait_for(lambda: build_requests.list(ctx, created_before=lost_builds._cutoff(1)),
             what='the build request to be old')
    assert lost_builds.bury_lost_build_requests(ctx) == []
    assert build_requests.get(ctx, uuid) is not None
    assert _rows(ctx, running.cell0, uuid) == []

    monkeypatch.setattr(instances, 'list', real_list)
    wait_for(lambda: lost_builds.bury_lost_build_requests(ctx) is not None and
             build_requests.get(ctx, uuid) is None, what='the lost-build check')
    assert [row[1] for row in _rows(ctx, running.cell0, uuid)] == [states.ERROR]
    assert not _claimed(uuid)
