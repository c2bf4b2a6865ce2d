"""[quota] options: the default limit of each resource a project may use.

A limit of -1 means unlimited. These defaults apply where neither the
'default' quota class nor a project or user override says otherwise.
"""
from oslo_config import cfg

GROUP = 'quota'


def _limit(name, default, help_text):
    return cfg.IntOpt(name, default=default, min=-1, help=help_text + ' -1 is unlimited.')


opts = [
    _limit('instances', 10, 'Servers a project may have.'),
    _limit('cores', 20, 'Virtual CPUs the servers of a project may have in total.'),
    _limit('ram', 51200, 'Megabytes of RAM the servers of a project may have in total.'),
    _limit('metadata_items', 128, 'Metadata items a server may have.'),
    _limit('injected_files', 5, 'Files a server create request may inject (personality).'),
    _limit('injected_file_content_bytes', 10240, 'Bytes of content an injected file may hold.'),
    _limit('injected_file_path_length', 255,
           'Characters of path an injected file may have (shown as the '
           'injected_file_path_bytes quota).'),
    _limit('key_pairs', 100, 'Keypairs a user may have.'),
    _limit('server_groups', 10, 'Server groups a project may have.'),
    _limit('server_group_members', 10, 'Servers a server group may hold per user.'),
    cfg.BoolOpt('recheck_quota', default=True,
                help='Count usage again after the build requests of a server create '
                     'are written and fail the request if parallel creates pushed '
                     'the project over its limit. Turning it off allows a burst of '
                     'parallel creates to overshoot the limit.'),
]


def register_opts(conf):
    conf.register_opts(opts, group=GROUP)


def list_opts():
    return {GROUP: opts}
