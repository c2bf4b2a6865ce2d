"""Real Horizon (27, from PyPI) in headless Chromium against nova-lite: real
Keystone (30) on SQLite issues the tokens, nova-api validates them with
keystonemiddleware and serves the compute API and the image API (/image).

The admin logs in and visits the pages an operator opens first; none may
show an error message or a server error. A server booted beforehand through
the API is then shut off and started again from its row in the Instances
table.
"""
import concurrent.futures
import shutil

import pytest

from tests.integration import conftest
from tests.integration import harness
from tests.integration import horizon_cloud

PAGE_TIMEOUT = 30
# Horizon's error markup: Django messages and Angular toasts of level error
# (both .alert-danger), and the title of its 500 page.
ERROR_SELECTOR = '.alert-danger, .alert-error, .messages .error'
SERVER_ERROR_TITLE = 'Server error'
# The JavaScript test for "nothing is loading any more": jQuery's and
# Angular's requests both finished.
SETTLED = """
    if (document.readyState !== 'complete') return false;
    if (window.jQuery && jQuery.active) return false;
    if (window.angular) {
        var injector = angular.element(document.body).injector();
        if (injector && injector.get('$http').pendingRequests.length) return false;
    }
    return true;
"""


@pytest.fixture(scope='module')
def dashboard(tmp_path_factory, rabbitmq, mariadb):
    """(deployment, horizon, admin openstacksdk connection): Keystone,
    nova-lite's daemons with keystone authentication, and Horizon, all
    running; every process is stopped at the end."""
    reason = horizon_cloud.missing_tools()
    harness.require(reason is None, reason)
    workdir = tmp_path_factory.mktemp('horizon')
    keystone = horizon_cloud.Keystone(workdir)
    horizon = horizon_cloud.Horizon(workdir, keystone.url)
    deployment = conftest.Deployment(workdir, rabbitmq, mariadb)
    try:
        deployment.daemons.append(horizon.start())
        with concurrent.futures.ThreadPoolExecutor(1) as pool:
            keystone_set_up = pool.submit(keystone.set_up)
            sections = deployment.top_sections()
            sections['api'] = {'auth_strategy': 'keystone'}
            sections['keystone_authtoken'] = keystone.authtoken_section()
            deployment.top_config = deployment.write_config('nova-top.conf', sections)
            deployment.set_up_cells()
            keystone_set_up.result()
        deployment.daemons.append(keystone.start())
        api = deployment.start('nova-api', deployment.top_config)
        deployment.start('nova-conductor', deployment.top_config, name='super-conductor')
        deployment.start('nova-scheduler', deployment.top_config)
        deployment.start('nova-conductor', deployment.cell_conductor_config,
                         name='cell1-conductor')
        deployment.start('nova-compute', deployment.compute_config(
            'compute-h', fake_driver={'nodes': 1, 'vcpus': 8, 'memory_mb': 8192,
                                      'local_gb': 100}), name='compute-h')
        keystone.wait()
        horizon_cloud.register_services(keystone.admin_connection(), deployment.endpoint)
        harness.wait_for_api(deployment.endpoint, api)
        horizon.wait()
        # A new connection: the first one's catalog predates the endpoints.
        yield deployment, horizon, keystone.admin_connection()
    finally:
        deployment.stop_all()


@pytest.fixture(scope='module')
def server(dashboard):
    """An ACTIVE server of the admin project, booted through the API."""
    deployment, _horizon, sdk = dashboard

    def host_discovered():
        deployment.manage('cell_v2', 'discover_hosts')
        return list(sdk.compute.hypervisors())
    harness.wait_until(host_discovered, 60, daemons=deployment.daemons,
                       what='the compute node to be discovered')
    image = deployment.raw_image(sdk, 'horizon-cirros', visibility='public')
    flavor = sdk.compute.create_flavor(name='horizon.tiny', ram=256, vcpus=1, disk=1)
    created = sdk.compute.create_server(name='horizon-vm', image_id=image.id,
                                        flavor_id=flavor.id, networks='none')
    return sdk.compute.wait_for_server(created, status='ACTIVE', wait=60, interval=1)


@pytest.fixture(scope='module')
def browser(dashboard):
    """Headless Chromium, logged in to Horizon as admin."""
    from selenium import webdriver
    from selenium.webdriver.chrome import service
    options = webdriver.ChromeOptions()
    # Debian's chromium and chromedriver, named explicitly: Selenium then
    # never tries to fetch a browser or a driver of its own.
    options.binary_location = shutil.which('chromium')
    for argument in ('--headless=new', '--no-sandbox', '--disable-dev-shm-usage',
                     '--disable-gpu', '--window-size=1400,1000'):
        options.add_argument(argument)
    driver = webdriver.Chrome(options=options,
                              service=service.Service(shutil.which('chromedriver')))
    try:
        driver.set_page_load_timeout(PAGE_TIMEOUT)
        _log_in(driver, dashboard[1])
        yield driver
    finally:
        driver.quit()


def _wait(browser, condition, what, timeout=PAGE_TIMEOUT):
    from selenium.webdriver.support.ui import WebDriverWait
    return WebDriverWait(browser, timeout).until(lambda driver: condition(driver),
                                                 message='waiting for %s' % what)


def _settled_page(browser, url, texts):
    """Open ``url``, wait until ``texts`` show and loading is over; assert
    it is no error page and shows no error message."""
    from selenium.webdriver.common.by import By
    browser.get(url)
    _wait(browser, lambda driver: all(text in driver.find_element(By.TAG_NAME, 'body').text
                                      for text in texts) and driver.execute_script(SETTLED),
          '%s to show %s' % (url, texts))
    assert not browser.title.startswith(SERVER_ERROR_TITLE), url
    errors = [element.text for element in browser.find_elements(By.CSS_SELECTOR, ERROR_SELECTOR)
              if element.is_displayed()]
    assert errors == [], '%s shows errors: %s' % (url, errors)


def _log_in(browser, horizon):
    from selenium.webdriver.common.by import By
    browser.get(horizon.url + '/auth/login/')
    browser.find_element(By.ID, 'id_username').send_keys('admin')
    browser.find_element(By.ID, 'id_password').send_keys(horizon_cloud.ADMIN_PASSWORD)
    browser.find_element(By.ID, 'loginBtn').click()
    _wait(browser, lambda driver: '/auth/login' not in driver.current_url, 'the login')


def _row_action(browser, action, server_id):
    """Click ``action`` in the server's row, as a user does (opening the
    row's menu first when the action is in it), and confirm it when Horizon
    asks (it does for dangerous actions); wait for its success message."""
    from selenium.webdriver.common.by import By
    button = browser.find_element(By.CSS_SELECTOR,
                                  'button[value="instances__%s__%s"]' % (action, server_id))
    if not button.is_displayed():
        browser.find_element(By.CSS_SELECTOR, 'tr[data-object-id="%s"] .dropdown-toggle'
                             % server_id).click()
    button.click()

    def confirmation_or_success(driver):
        confirm = [element for element in driver.find_elements(
            By.CSS_SELECTOR, '.modal-footer .btn-danger, .modal-footer .btn-primary')
            if element.is_displayed()]
        if confirm:
            confirm[0].click()
            return False
        return driver.find_elements(By.CSS_SELECTOR, '.alert-success')
    _wait(browser, confirmation_or_success, 'the success message of %s' % action)


def test_admin_pages_show_no_error(dashboard, server, browser):
    deployment, horizon, sdk = dashboard
    hypervisor = next(iter(sdk.compute.hypervisors()))
    pages = [
        ('/project/', ['Limit Summary', server.name]),
        ('/project/instances/', ['Instances', server.name, 'Running']),
        ('/project/images', ['Images', 'horizon-cirros']),
        ('/project/key_pairs/', ['Key Pairs']),
        ('/admin/hypervisors/', ['All Hypervisors', hypervisor.name]),
        ('/admin/aggregates/', ['Host Aggregates']),
        ('/admin/flavors/', ['Flavors', 'horizon.tiny']),
        ('/admin/info/', ['System Information', 'Compute Services']),
    ]
    for path, texts in pages:
        _settled_page(browser, horizon.url + path, texts)


def test_instance_shut_off_and_started_from_its_row(dashboard, server, browser):
    deployment, horizon, sdk = dashboard
    for action, status, power_state in (('stop', 'SHUTOFF', 'Shut Down'),
                                        ('start', 'ACTIVE', 'Running')):
        _settled_page(browser, horizon.url + '/project/instances/', [server.name])
        _row_action(browser, action, server.id)
        sdk.compute.wait_for_server(server, status=status, wait=60, interval=1)
        _settled_page(browser, horizon.url + '/project/instances/', [server.name, power_state])
