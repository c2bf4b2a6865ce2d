"""[database] options: this service's own cell database (oslo.db's options).

The API and the super-conductor reach every cell through its cell mapping;
this connection is where a conductor or scheduler records its own service.
"""
from oslo_db import options as oslo_db_options

GROUP = 'database'

# Our daemons serve requests on native threads, so more connections are in
# use at once than under eventlet; a pool smaller than the busy threads
# makes every extra request open (and TLS-handshake) a new connection.
MAX_POOL_SIZE = 20


def register_opts(conf):
    oslo_db_options.set_defaults(conf, max_pool_size=MAX_POOL_SIZE)


def list_opts():
    # Generated under the oslo.db namespace of the sample config.
    return {}
