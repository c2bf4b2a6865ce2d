"""The classic default flavors (m1.tiny to m1.xlarge) a new cloud starts
with: the all-in-one creates them at start, and ``nova-manage flavor
create_defaults`` does it for a deployment of separate daemons."""
from nova_common.db.api import flavors
from nova_common import exception

# name, flavorid, memory MiB, vCPUs, root disk GiB.
DEFAULT_FLAVORS = [
    ('m1.tiny', '1', 512, 1, 1),
    ('m1.small', '2', 2048, 1, 20),
    ('m1.medium', '3', 4096, 2, 40),
    ('m1.large', '4', 8192, 4, 80),
    ('m1.xlarge', '5', 16384, 8, 160),
]


def create_missing(context):
    """Create each default flavor that does not exist yet (by name or id);
    returns the names of those created."""
    created = []
    for name, flavorid, memory_mb, vcpus, root_gb in DEFAULT_FLAVORS:
        try:
            flavors.create_flavor(context, name=name, flavorid=flavorid, memory_mb=memory_mb,
                                  vcpus=vcpus, root_gb=root_gb)
        except exception.FlavorExists:
            continue
        created.append(name)
    return created
