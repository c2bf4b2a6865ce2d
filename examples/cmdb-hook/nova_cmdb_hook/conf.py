"""[cmdb] options. Registered on nova-lite's configuration when a hook or
the API extension is loaded (after the config files were read, which
oslo.config allows)."""
from oslo_config import cfg

GROUP = 'cmdb'

opts = [
    cfg.URIOpt('url', schemes=['http', 'https'],
               help='Base URL of the CMDB\'s server collection: a server is POSTed '
                    'to it and DELETEd from <url>/<server uuid>. Unset: nothing is '
                    'registered.'),
    cfg.FloatOpt('timeout', default=2.0, min=0.1,
                 help='Seconds one CMDB request may take (connect and read).'),
    cfg.StrOpt('flavor_rules_file',
               help='YAML (or JSON) file of the flavors each project may boot: '
                    '{"projects": {"<project id>": ["<flavor name or id>", ...]}, '
                    '"default": [...]}. A project not listed gets "default"; with no '
                    '"default" it may boot any flavor. Re-read when it changes. Unset: '
                    'every flavor is allowed.'),
]

cfg.CONF.register_opts(opts, group=GROUP)
CONF = cfg.CONF


def list_opts():
    return [(GROUP, opts)]
