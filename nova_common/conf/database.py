"""[database] options: this service's own cell database (oslo.db's options).

The API and the super-conductor reach every cell through its cell mapping;
this connection is where a conductor or scheduler records its own service.
"""
from oslo_db import options as oslo_db_options

GROUP = 'database'


def register_opts(conf):
    oslo_db_options.set_defaults(conf)


def list_opts():
    # Generated under the oslo.db namespace of the sample config.
    return {}
