"""Server group policies kept by the ledger's claims, also when the
members of one group claim in parallel on several nodes of the same hosts
(SQLite and MariaDB)."""
import random
import threading

from nova_common.db.api import ledger
from nova_common.db.api import server_groups
from tests.functional.test_ledger import ctx  # noqa: F401 - fixture
from tests.functional.test_ledger import mariadb_ctx  # noqa: F401 - fixture

MEMORY = {'MEMORY_MB': {'total': 65536, 'max_unit': 65536}}
CLAIM = {'MEMORY_MB': 512}


def _providers(context, hosts, nodes_per_host):
    """{provider uuid: host}, ``nodes_per_host`` providers on each host."""
    providers = {}
    for host in hosts:
        for node in range(nodes_per_host):
            uuid = '%s-node%d' % (host, node)
            ledger.ensure_provider(context, uuid, uuid, 'cell', host)
            ledger.set_inventory(context, uuid, MEMORY)
            providers[uuid] = host
    return providers


def _group(context, policy, members, **rules):
    group = server_groups.create(context, 'p', 'u', 'g', policy, rules)
    server_groups.add_members(context, group['id'], members)
    return group


def _claim_in_parallel(context, group, members, providers):
    """Each member tries the providers in a random order until a claim
    wins: {member: provider won, or None}."""
    won, errors = {}, []

    def place(member):
        try:
            order = random.sample(sorted(providers), len(providers))
            won[member] = next((uuid for uuid in order if ledger.claim(
                context, member, uuid, CLAIM, group_uuid=group['uuid'])), None)
        except Exception as error:  # noqa: BLE001 - reported by the test
            errors.append(error)

    threads = [threading.Thread(target=place, args=(member,)) for member in members]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert not errors, errors
    return won


def _anti_affinity_holds(context):
    members = ['member-%02d' % index for index in range(8)]
    providers = _providers(context, ['h1', 'h2', 'h3'], nodes_per_host=2)
    group = _group(context, 'anti-affinity', members)
    won = _claim_in_parallel(context, group, members, providers)
    hosts = [providers[uuid] for uuid in won.values() if uuid is not None]
    assert sorted(hosts) == ['h1', 'h2', 'h3']
    assert server_groups.members_per_host(context, group['id']) == {
        'h1': 1, 'h2': 1, 'h3': 1}


def test_parallel_anti_affinity_claims_take_one_host_each_sqlite(ctx):  # noqa: F811
    _anti_affinity_holds(ctx)


def test_parallel_anti_affinity_claims_take_one_host_each_mariadb(mariadb_ctx):  # noqa: F811
    _anti_affinity_holds(mariadb_ctx)


def test_max_server_per_host_and_other_consumers(ctx):  # noqa: F811
    _providers(ctx, ['h1'], nodes_per_host=2)
    group = _group(ctx, 'anti-affinity', ['a', 'b', 'c'], max_server_per_host=2)
    assert ledger.claim(ctx, 'a', 'h1-node0', CLAIM, group_uuid=group['uuid'])
    assert ledger.claim(ctx, 'b', 'h1-node1', CLAIM, group_uuid=group['uuid'])
    assert not ledger.claim(ctx, 'c', 'h1-node0', CLAIM, group_uuid=group['uuid'])
    # A claim made again by a member (a retried claim) does not count itself.
    assert ledger.claim(ctx, 'b', 'h1-node0', CLAIM, group_uuid=group['uuid'])
    # Servers outside the group are not bound by it.
    assert ledger.claim(ctx, 'outsider', 'h1-node0', CLAIM)


def test_affinity_claims_follow_the_first_member(ctx):  # noqa: F811
    _providers(ctx, ['h1', 'h2'], nodes_per_host=2)
    group = _group(ctx, 'affinity', ['a', 'b', 'c'])
    assert ledger.claim(ctx, 'a', 'h2-node0', CLAIM, group_uuid=group['uuid'])
    assert not ledger.claim(ctx, 'b', 'h1-node0', CLAIM, group_uuid=group['uuid'])
    assert ledger.claim(ctx, 'b', 'h2-node1', CLAIM, group_uuid=group['uuid'])
    ledger.release(ctx, 'a')
    ledger.release(ctx, 'b')
    assert ledger.claim(ctx, 'c', 'h1-node1', CLAIM, group_uuid=group['uuid'])


def test_soft_policies_never_refuse(ctx):  # noqa: F811
    _providers(ctx, ['h1'], nodes_per_host=1)
    group = _group(ctx, 'soft-anti-affinity', ['a', 'b'])
    assert ledger.claim(ctx, 'a', 'h1-node0', CLAIM, group_uuid=group['uuid'])
    assert ledger.claim(ctx, 'b', 'h1-node0', CLAIM, group_uuid=group['uuid'])
