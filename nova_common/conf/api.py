"""[api] options: authentication, paging limits, request size."""
from oslo_config import cfg

GROUP = 'api'

opts = [
    cfg.StrOpt('auth_strategy', default='keystone', choices=[
        ('keystone', 'Validate tokens with keystonemiddleware auth_token.'),
        ('noauth2', 'Development only: the token "user:project" names the caller; '
                    'the user "admin" is an administrator.'),
    ], help='How API callers are authenticated.'),
    cfg.BoolOpt('noauth2_default_admin', default=False,
                help='With auth_strategy=noauth2, treat a token that is not of the '
                     'form "user:project" as the user admin in project admin. The '
                     'all-in-one enables this: it is a single-user development cloud.'),
    cfg.BoolOpt('noauth2_allow_remote', default=False,
                help='Let nova-api serve auth_strategy=noauth2 on an address other '
                     'than loopback. noauth2 believes any token, so without this '
                     'nova-api refuses to start on such an address.'),
    cfg.IntOpt('max_limit', default=1000, min=1,
               help='The most items a single list response returns, whatever '
                    '"limit" the caller asks for.'),
    cfg.IntOpt('max_request_body_size', default=114688, min=1,
               help='Largest request body, in bytes, the API accepts; bigger ones '
                    'get 413.'),
    cfg.BoolOpt('list_records_by_skipping_down_cells', default=True,
               help='Below microversion 2.69, leave out records of cells that do '
                    'not answer instead of failing the request.'),
    cfg.ListOpt('extensions', default=[],
                help='Names of "nova.api.extensions" entry points whose routes, server '
                     'actions and policy rules nova-api mounts, in this order. None by '
                     'default: installing a package does not change the API until it '
                     'is named here. A name that is not installed, or a route, server '
                     'action or policy rule that clashes with one already there, stops '
                     'nova-api at start-up.'),
    cfg.BoolOpt('enable_instance_password', default=True,
                help='Return the server\'s admin password ("adminPass") in the '
                     'responses of rebuild and rescue, as Nova does.'),
]


def register_opts(conf):
    conf.register_opts(opts, group=GROUP)


def list_opts():
    return {GROUP: opts}
