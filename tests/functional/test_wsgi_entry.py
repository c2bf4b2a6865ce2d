"""nova_api.wsgi as a WSGI server loads it: in a fresh interpreter, with
the configuration named by OS_NOVA_CONFIG_FILES and a command line that
belongs to the server (it must not be parsed)."""
import json
import subprocess
import sys

SCRIPT = '''
import json, sys, io
sys.argv = ['gunicorn', '-w', '2', '--bogus-server-flag']
from nova_api import wsgi
from nova_common.conf import CONF
status = []
environ = {'REQUEST_METHOD': 'GET', 'PATH_INFO': '/', 'SERVER_NAME': 'localhost',
           'SERVER_PORT': '8774', 'wsgi.url_scheme': 'http', 'wsgi.input': io.BytesIO(),
           'wsgi.errors': sys.stderr, 'SCRIPT_NAME': '', 'QUERY_STRING': ''}
body = b''.join(wsgi.application(environ, lambda s, h, e=None: status.append(s)))
print(json.dumps({'status': status[0], 'auth': CONF.api.auth_strategy,
                  'ids': [v['id'] for v in json.loads(body)['versions']]}))
'''


def test_application_reads_its_config_from_the_environment(tmp_path):
    config = tmp_path / 'nova.conf'
    config.write_text('[DEFAULT]\ntransport_url = fake:/\n[api]\nauth_strategy = noauth2\n'
                      '[api_database]\nconnection = sqlite:///%s\n' % (tmp_path / 'api.db'))
    result = subprocess.run([sys.executable, '-c', SCRIPT], capture_output=True, text=True,
                            timeout=120, env={'OS_NOVA_CONFIG_FILES': str(config),
                                              'PATH': '/usr/bin:/bin'})
    assert result.returncode == 0, result.stderr
    outcome = json.loads(result.stdout.strip().splitlines()[-1])
    assert outcome == {'status': '200 OK', 'auth': 'noauth2', 'ids': ['v2.0', 'v2.1']}
