"""[api_database] options: the API database (same knobs as oslo.db's [database])."""
import copy

from oslo_db import options as oslo_db_options

GROUP = 'api_database'

opts = [copy.deepcopy(o) for o in oslo_db_options.database_opts]


def register_opts(conf):
    conf.register_opts(opts, group=GROUP)


def list_opts():
    return {GROUP: opts}
