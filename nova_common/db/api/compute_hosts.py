"""Whether a cell's compute nodes are mapped to it in the API database
(compute_nodes.mapped), kept by nova-manage cell_v2 discover_hosts and
delete_cell."""
from nova_common.db import engines
from nova_common.db.models import main as models


def set_nodes_mapped(context, hosts, mapped=True):
    """Flag the compute nodes of ``hosts`` in the targeted cell as mapped
    (or not); returns how many nodes changed."""
    if not hosts:
        return 0
    with engines.cell_writer(context) as session:
        return (session.query(models.ComputeNode)
                .filter(models.ComputeNode.host.in_(list(hosts)),
                        models.ComputeNode.deleted == 0,
                        models.ComputeNode.mapped != int(mapped))
                .update({'mapped': int(mapped)}, synchronize_session=False))
