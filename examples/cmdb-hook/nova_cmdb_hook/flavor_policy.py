"""The API create hook: a project boots only the flavors its rules allow
(403 with a message naming the flavor otherwise). The rules file
([cmdb] flavor_rules_file) is read again whenever it changes."""
import os
import threading

import yaml

from nova_cmdb_hook.conf import CONF
from nova_common import hooks

REFUSED = 'Flavor %s is not allowed for project %s; allowed: %s.'


class FlavorAllowList:

    def __init__(self):
        self._lock = threading.Lock()
        self._loaded = (None, None, None)   # (path, mtime, rules)

    def _rules(self):
        path = CONF.cmdb.flavor_rules_file
        if not path:
            return {}
        mtime = os.stat(path).st_mtime_ns
        with self._lock:
            if self._loaded[:2] != (path, mtime):
                with open(path) as rules_file:
                    rules = yaml.safe_load(rules_file) or {}
                if not isinstance(rules, dict):
                    raise ValueError('%s holds no mapping of rules' % path)
                self._loaded = (path, mtime, rules)
            return self._loaded[2]

    def before_create(self, context, request):
        rules = self._rules()
        project_id = context['project_id']
        allowed = (rules.get('projects') or {}).get(project_id, rules.get('default'))
        if allowed is None:
            return
        flavor = request['flavor']
        allowed = [str(name) for name in allowed]
        if flavor['name'] not in allowed and str(flavor['flavorid']) not in allowed:
            raise hooks.RequestRefused(
                REFUSED % (flavor['name'], project_id, ', '.join(allowed) or 'none'), 403)
