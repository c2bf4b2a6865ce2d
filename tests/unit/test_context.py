"""The request context survives the trip over RPC, request id included."""
from nova_common import context as nova_context
from nova_common import rpc


def test_context_round_trips_through_the_rpc_serializer():
    ctx = nova_context.RequestContext(user_id='u1', project_id='p1', roles=['member', 'reader'],
                                      request_id='req-0123', global_request_id='req-global')
    serializer = rpc.RequestContextSerializer()
    copy = serializer.deserialize_context(serializer.serialize_context(ctx))
    assert isinstance(copy, nova_context.RequestContext)
    assert (copy.user_id, copy.project_id, copy.request_id, copy.global_request_id) == (
        'u1', 'p1', 'req-0123', 'req-global')
    assert sorted(copy.roles) == ['member', 'reader']
    assert copy.is_admin is False


def test_admin_role_makes_an_admin_context():
    ctx = nova_context.RequestContext(user_id='a', project_id='p', roles=['admin'])
    assert ctx.is_admin is True


def test_elevated_adds_admin_without_touching_the_original():
    ctx = nova_context.RequestContext(user_id='u', project_id='p', roles=['member'])
    elevated = ctx.elevated()
    assert elevated.is_admin and 'admin' in elevated.roles
    assert not ctx.is_admin and ctx.roles == ['member']


def test_target_cell_sets_the_cell_facade():
    ctx = nova_context.get_admin_context()
    cell = {'uuid': 'c1', 'database_connection': 'sqlite://'}
    with nova_context.target_cell(ctx, cell) as cctx:
        assert cctx.cell_uuid == 'c1'
        assert cctx.db_connection is not None
    assert ctx.db_connection is None


def _current_request_id():
    from oslo_context import context as oslo_context
    current = oslo_context.get_current()
    return current.request_id if current is not None else None


def test_a_context_from_rpc_is_the_threads_current_one():
    """What oslo.log prints the request id of, in the RPC worker thread
    that deserialized it."""
    import threading
    serializer = rpc.RequestContextSerializer()
    sent = serializer.serialize_context(nova_context.RequestContext(
        user_id='u1', project_id='p1', request_id='req-from-the-api'))
    seen = []

    def worker():
        serializer.deserialize_context(sent)
        seen.append(_current_request_id())
    thread = threading.Thread(target=worker)
    thread.start()
    thread.join()
    assert seen == ['req-from-the-api']


def test_run_as_current_carries_the_context_into_a_pool_thread():
    from concurrent import futures
    ctx = nova_context.RequestContext(user_id='u1', project_id='p1', request_id='req-pool')
    with futures.ThreadPoolExecutor(max_workers=1) as pool:
        # A pool thread that served another request before.
        pool.submit(nova_context.RequestContext, request_id='req-earlier').result()
        assert pool.submit(_current_request_id).result() == 'req-earlier'
        assert pool.submit(nova_context.run_as_current, ctx,
                           _current_request_id).result() == 'req-pool'
