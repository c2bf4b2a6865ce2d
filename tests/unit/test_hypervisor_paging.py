"""Paging over the compute nodes of every cell, as Nova pages them."""
import pytest

from nova_api.controllers import hypervisors
from nova_common import exception

NODES = [{'id': 1, 'uuid': 'aaaaaaaa-aaaa-aaaa-aaaa-aaaaaaaaaaaa'},
         {'id': 2, 'uuid': 'bbbbbbbb-bbbb-bbbb-bbbb-bbbbbbbbbbbb'},
         # Integer ids repeat from cell to cell.
         {'id': 1, 'uuid': 'cccccccc-cccc-cccc-cccc-cccccccccccc'}]


def test_limit_only():
    assert hypervisors._page(NODES, 2, None) == NODES[:2]
    assert hypervisors._page(NODES, None, None) == NODES
    assert hypervisors._page(NODES, 0, None) == []


def test_marker_by_uuid_or_integer_id():
    assert hypervisors._page(NODES, None, NODES[1]['uuid']) == NODES[2:]
    # The first node with the id is the marker.
    assert hypervisors._page(NODES, 1, '1') == [NODES[1]]


@pytest.mark.parametrize('marker', ['99', 'abc', 'dddddddd-dddd-dddd-dddd-dddddddddddd'])
def test_unknown_marker_is_400(marker):
    with pytest.raises(exception.Invalid) as caught:
        hypervisors._page(NODES, None, marker)
    assert caught.value.message == 'marker [%s] not found' % marker
    assert caught.value.code == 400
