"""nova-manage for the set-up steps of a deployment, without paying its
imports on every run: ``harness.nova_manage`` run by the preloaded helper
of tests/preloaded_manage.py (one helper per test process, a forked child
per run that is still a process of its own running the console script's
``main()``).

``nova_manage`` answers like ``harness.nova_manage`` (a CompletedProcess;
the exit code asserted unless ``expect`` is None). tests/integration/
test_manage.py keeps running the console script itself.
"""
from tests import preloaded_manage
from tests.integration import harness


def nova_manage(config_file, *args, expect=0, timeout=120):
    """``harness.nova_manage``, run by the preloaded helper."""
    result = preloaded_manage.run(['--config-file', str(config_file)] + list(args),
                                  timeout, script=harness.console_script('nova-manage'))
    return harness.check_exit(result, expect)
