"""An operator's policy.yaml overrides the defaults, and an edit to it
takes effect without a restart (looked at no more than once a second)."""
import os
import time

from nova_common.conf import CONF
from nova_common import policy

RULE = 'os_compute_api:os-availability-zone:list'


def test_policy_file_overrides_and_is_reread_after_an_edit(cloud, tmp_path):
    policy_file = tmp_path / 'policy.yaml'
    policy_file.write_text('"%s": "role:admin"\n' % RULE)
    CONF.set_override('policy_file', str(policy_file), group='oslo_policy')
    policy.reset()
    fault = cloud.get('/v2.1/os-availability-zone', token='demo:demo', status=403).json
    assert fault['forbidden']['message'] == 'Policy doesn\'t allow %s to be performed.' % RULE
    cloud.get('/v2.1/os-availability-zone', token='admin:admin', status=200)

    policy_file.write_text('"%s": "@"\n' % RULE)
    # A different mtime, whatever the file system's timestamp resolution.
    stamp = time.time() + 5
    os.utime(policy_file, (stamp, stamp))
    time.sleep(policy.POLICY_FILE_CHECK_SECONDS + 0.1)
    cloud.get('/v2.1/os-availability-zone', token='demo:demo', status=200)
