"""[api_database] options: the API database (same knobs as oslo.db's [database])."""
import copy

from oslo_db import options as oslo_db_options

from nova_common.conf import database

GROUP = 'api_database'

opts = [copy.deepcopy(o) for o in oslo_db_options.database_opts + database.timeout_opts]


def register_opts(conf):
    conf.register_opts(opts, group=GROUP)
    # The same reasoning as for [database]: see database.MAX_POOL_SIZE.
    conf.set_default('max_pool_size', database.MAX_POOL_SIZE, group=GROUP)
    conf.set_default('db_max_retries', database.DB_MAX_RETRIES, group=GROUP)


def list_opts():
    return {GROUP: opts}
