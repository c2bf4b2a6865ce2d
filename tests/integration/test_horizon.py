"""Real Horizon (27, from PyPI) in headless Chromium against nova-lite: real
Keystone (30) on SQLite issues the tokens, nova-api validates them with
keystonemiddleware and serves the compute API, the image API (/image) and
the built-in network service (/network).

The admin logs in and visits the pages an operator opens first; none may
show an error message or a server error. A server booted beforehand through
the API is then shut off and started again from its row in the Instances
table. Last, a server is launched through the Launch Instance wizard on one
of two networks made beforehand through the network API.
"""
import concurrent.futures
import ipaddress
import shutil

import pytest

from tests.integration import conftest
from tests.integration import harness
from tests.integration import horizon_cloud

# Seconds a page (or a click that loads one) may take: Horizon is a
# Django development server sharing two cores with the rest of the suite.
PAGE_TIMEOUT = 60
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

# The networks the launch wizard test makes (addresses inside nova-api's
# database only: the fake driver plumbs nothing).
NETWORK_CIDRS = {'horizon-net': ipaddress.ip_network('10.77.0.0/24'),
                 'horizon-other': ipaddress.ip_network('10.78.0.0/24')}


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
        # Keystone is set up meanwhile: nova-api asks it for nothing before
        # the first request.
        with concurrent.futures.ThreadPoolExecutor(1) as pool:
            keystone_set_up = pool.submit(keystone.set_up)
            sections = deployment.top_sections()
            sections['api'] = {'auth_strategy': 'keystone'}
            sections['keystone_authtoken'] = keystone.authtoken_section()
            deployment.top_config = deployment.write_config('nova-top.conf', sections)
            deployment.set_up_cells()
            api = deployment.start('nova-api', deployment.top_config)
            deployment.start('nova-conductor', deployment.top_config, name='super-conductor')
            deployment.start('nova-scheduler', deployment.top_config)
            deployment.start('nova-conductor', deployment.cell_conductor_config,
                             name='cell1-conductor')
            deployment.start('nova-compute', deployment.compute_config(
                'compute-h', fake_driver={'nodes': 1, 'vcpus': 8, 'memory_mb': 8192,
                                          'local_gb': 100}), name='compute-h')
            keystone_set_up.result()
        deployment.daemons.append(keystone.start())
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


def test_admin_pages_show_no_error(dashboard, server, networks, browser):
    deployment, horizon, sdk = dashboard
    hypervisor = next(iter(sdk.compute.hypervisors()))
    network = networks['horizon-net']
    pages = [
        ('/project/', ['Limit Summary', server.name]),
        ('/project/instances/', ['Instances', server.name, 'Running']),
        ('/project/images', ['Images', 'horizon-cirros']),
        ('/project/key_pairs/', ['Key Pairs']),
        ('/project/networks/', ['Networks', 'horizon-net', 'horizon-other']),
        ('/project/networks/%s/detail?tab=network_tabs__subnets_tab' % network.id,
         ['horizon-net-sub', str(NETWORK_CIDRS['horizon-net'])]),
        ('/project/security_groups/', ['Security Groups', 'default']),
        ('/admin/networks/', ['Networks', 'horizon-net']),
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


@pytest.fixture(scope='module')
def networks(dashboard):
    """Two networks of the admin project with a subnet each, made through
    the network API: with two, Horizon's wizard allocates neither by itself
    (it does when there is only one), so both show as available."""
    _deployment, _horizon, sdk = dashboard
    made = {}
    for name, cidr in NETWORK_CIDRS.items():
        network = sdk.network.create_network(name=name)
        sdk.network.create_subnet(network_id=network.id, name=name + '-sub', ip_version=4,
                                  cidr=str(cidr))
        made[name] = network
    return made


def _wizard_step(browser, title):
    """Switch the launch wizard to the step called ``title``."""
    from selenium.webdriver.common.by import By
    browser.find_element(By.XPATH, '//div[contains(@class, "wizard-nav")]//li[normalize-space()'
                                   '="%s"]' % title).click()
    _wait(browser, lambda driver: driver.find_element(
        By.CSS_SELECTOR, '.wizard-nav li.active').text.strip() == title, 'the %s step' % title)


def _available_rows(browser):
    """Texts of the rows of the current step's table of available items."""
    from selenium.webdriver.common.by import By
    return [row.text for row in browser.find_elements(
        By.CSS_SELECTOR, '.step:not(.ng-hide) .transfer-available tbody tr') if row.text]


def _allocate(browser, name):
    """Click the allocate arrow of the available row named ``name`` in the
    current step."""
    from selenium.webdriver.common.by import By
    _wait(browser, lambda driver: any(name in row for row in _available_rows(driver)),
          '%s among the available items' % name)
    browser.find_element(By.XPATH, (
        '//div[contains(@class, "step") and not(contains(@class, "ng-hide"))]'
        '//div[contains(@class, "transfer-available")]//tr[.//td[normalize-space()="%s"]]'
        '//button[.//*[contains(@class, "fa-arrow-up")] or contains(@class, "fa-arrow-up")]'
    ) % name).click()
    _wait(browser, lambda driver: driver.find_elements(By.XPATH, (
        '//div[contains(@class, "step") and not(contains(@class, "ng-hide"))]'
        '//div[contains(@class, "transfer-allocated")]//td[normalize-space()="%s"]') % name),
        '%s to be allocated' % name)


def _no_errors_shown(browser, where):
    from selenium.webdriver.common.by import By
    errors = [element.text for element in browser.find_elements(By.CSS_SELECTOR, ERROR_SELECTOR)
              if element.is_displayed()]
    assert errors == [], '%s shows errors: %s' % (where, errors)


def test_launch_wizard_boots_on_a_chosen_network(dashboard, server, networks, browser):
    """Project > Compute > Instances > Launch Instance: the Networks step
    lists the project's networks; the server launched with one of them
    becomes ACTIVE with an address on it."""
    from selenium.webdriver.common.by import By
    deployment, horizon, sdk = dashboard
    _settled_page(browser, horizon.url + '/project/instances/', [server.name])
    browser.find_element(By.ID, 'instances__action_launch-ng').click()
    _wait(browser, lambda driver: driver.find_elements(By.CSS_SELECTOR, '.ng-wizard input[name='
                                                       '"name"]') and driver.execute_script(SETTLED),
          'the launch wizard')
    browser.find_element(By.CSS_SELECTOR, '.ng-wizard input[name="name"]').send_keys('wizard-vm')
    _wizard_step(browser, 'Source')
    _allocate(browser, 'horizon-cirros')
    _wizard_step(browser, 'Flavor')
    _allocate(browser, 'horizon.tiny')
    _wizard_step(browser, 'Networks')
    _wait(browser, lambda driver: driver.execute_script(SETTLED), 'the networks to load')
    available = _available_rows(browser)
    assert any('horizon-net' in row for row in available), available
    assert any('horizon-other' in row for row in available), available
    _allocate(browser, 'horizon-net')
    _no_errors_shown(browser, 'the launch wizard')
    browser.find_element(By.CSS_SELECTOR, '.ng-wizard .modal-footer button.finish').click()
    _wait(browser, lambda driver: not driver.find_elements(By.CSS_SELECTOR, '.ng-wizard'),
          'the launch wizard to close')
    _no_errors_shown(browser, 'the instances page after the launch')

    launched = harness.wait_until(lambda: sdk.compute.find_server('wizard-vm'), 30,
                                  daemons=deployment.daemons, what='the wizard\'s server')
    launched = sdk.compute.wait_for_server(launched, status='ACTIVE', wait=60, interval=1)
    addresses = [address['addr'] for address in launched.addresses.get('horizon-net', [])]
    assert addresses and all(ipaddress.ip_address(address) in NETWORK_CIDRS['horizon-net']
                             for address in addresses), launched.addresses
    assert set(launched.addresses) == {'horizon-net'}, launched.addresses
    network_id = networks['horizon-net'].id
    for path, texts in (
            ('/project/instances/', ['wizard-vm', addresses[0]]),
            ('/project/instances/%s/' % launched.id, ['wizard-vm', addresses[0], 'default']),
            ('/project/networks/%s/detail?tab=network_tabs__ports_tab' % network_id,
             [addresses[0], 'compute:']),
    ):
        _settled_page(browser, horizon.url + path, texts)
