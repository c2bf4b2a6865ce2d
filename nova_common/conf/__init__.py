"""The one configuration object, with every option group registered.

Each module in this package declares one option group and exposes
``register_opts(conf)`` and ``list_opts()``; ``opts.list_opts`` feeds the
sample config generator.
"""
from oslo_config import cfg

from nova_common.conf import api
from nova_common.conf import api_database
from nova_common.conf import cells
from nova_common.conf import compute
from nova_common.conf import conductor
from nova_common.conf import database
from nova_common.conf import default
from nova_common.conf import fake_driver
from nova_common.conf import filter_scheduler
from nova_common.conf import glance
from nova_common.conf import hooks
from nova_common.conf import host_capacity
from nova_common.conf import image
from nova_common.conf import libvirt
from nova_common.conf import metadata
from nova_common.conf import network
from nova_common.conf import neutron
from nova_common.conf import metrics
from nova_common.conf import notifications
from nova_common.conf import quota
from nova_common.conf import scheduler

CONF = cfg.CONF

for _module in (default, api, api_database, cells, compute, conductor, database, fake_driver,
                scheduler, filter_scheduler, host_capacity, quota, glance, image, libvirt,
                notifications, metrics, network, neutron, hooks, metadata):
    _module.register_opts(CONF)
