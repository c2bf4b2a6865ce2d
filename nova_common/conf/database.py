"""[database] options: this service's own cell database (oslo.db's options).

The API and the super-conductor reach every cell through its cell mapping;
this connection is where a conductor or scheduler records its own service.
"""
from oslo_config import cfg
from oslo_db import options as oslo_db_options

GROUP = 'database'

# Our daemons serve requests on native threads, so more connections are in
# use at once than under eventlet; a pool smaller than the busy threads
# makes every extra request open (and TLS-handshake) a new connection.
# As many as an RPC server's threads (oslo.messaging's
# executor_thread_pool_size, 64), each holding at most one connection per
# database at a time: with 20, a cell conductor serving 100 moves at once
# closed and opened again over 100 connections in 35 s, each open costing
# ~30 ms of CPU (PyMySQL builds a TLS context for every new connection).
# The pool only keeps what a burst opened: the peak is the same as with a
# smaller pool and its overflow.
MAX_POOL_SIZE = 64

# oslo.db's [database] db_max_retries (20 by default, nearly three minutes
# of backoff) bounds our retries of a transaction that lost its database:
# 7 retries wait 1+2+4+8+10+10+10 s, enough for a database restart and
# within the time a caller waits for an RPC answer.
DB_MAX_RETRIES = 7

# Added to oslo.db's options, in [database] and [api_database] alike.
timeout_opts = [
    cfg.IntOpt('mysql_connect_timeout', default=10, min=1,
               help='Seconds to wait for a MySQL/MariaDB server to accept a new '
                    'connection (PyMySQL connect_timeout). A connection URL that '
                    'sets connect_timeout itself keeps its own.'),
    cfg.IntOpt('mysql_read_timeout', default=30, min=1,
               help='Seconds to wait for a MySQL/MariaDB server to answer one '
                    'statement (PyMySQL read_timeout): a hung database fails the '
                    'request after this long instead of holding its thread and '
                    'connection for good. Keep it above the slowest legitimate '
                    'query. A connection URL that sets read_timeout itself keeps '
                    'its own.'),
]


def register_opts(conf):
    oslo_db_options.set_defaults(conf, max_pool_size=MAX_POOL_SIZE)
    conf.set_default('db_max_retries', DB_MAX_RETRIES, group=GROUP)
    conf.register_opts(timeout_opts, group=GROUP)


def list_opts():
    # oslo.db's own options are generated under the oslo.db namespace of
    # the sample config.
    return {GROUP: timeout_opts}
