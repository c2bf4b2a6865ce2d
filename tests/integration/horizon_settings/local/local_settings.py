"""Horizon's local_settings for the dashboard test (test_horizon.py).

Horizon's settings import ``local.local_settings``; tools/setup-horizon.sh
(collectstatic, offline compression) and the test put this folder's parent
at the front of PYTHONPATH, so both use these same settings, and the
compressed assets made at setup match the pages served in the test. The
test passes the Keystone URL and a secret key through the environment.
"""
import os

DEBUG = False
ALLOWED_HOSTS = ['127.0.0.1', 'localhost']
SECRET_KEY = os.environ.get('HORIZON_TEST_SECRET_KEY', 'only-for-collectstatic')
OPENSTACK_HOST = '127.0.0.1'
OPENSTACK_KEYSTONE_URL = os.environ.get('HORIZON_TEST_KEYSTONE_URL', 'http://127.0.0.1/v3')
OPENSTACK_KEYSTONE_DEFAULT_ROLE = 'member'
SESSION_ENGINE = 'django.contrib.sessions.backends.signed_cookies'
CACHES = {'default': {'BACKEND': 'django.core.cache.backends.locmem.LocMemCache'}}
# Assets compressed once by tools/setup-horizon.sh, not on every page.
COMPRESS_OFFLINE = True
STATIC_ROOT = os.environ['HORIZON_TEST_STATIC_ROOT']
TIME_ZONE = 'UTC'
# nova-lite has no Placement service (its resource ledger is in the API
# database) and the test cloud no Neutron: Horizon's own switches for that.
SHOW_RESOURCE_PROVIDER_SUMMARY = False
OPENSTACK_NEUTRON_NETWORK = {
    'enable_quotas': False,
    'enable_rbac_policy': False,
    'enable_router': False,
}
LOGGING = {
    'version': 1,
    'disable_existing_loggers': False,
    'handlers': {'console': {'class': 'logging.StreamHandler'}},
    'loggers': {name: {'handlers': ['console'], 'level': 'INFO'}
                for name in ('horizon', 'openstack_dashboard', 'openstack_auth',
                             'novaclient', 'glanceclient', 'django')},
}
