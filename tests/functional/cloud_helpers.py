"""Helpers of the functional tests that run the services in-process:
waiting for a condition, and the flavor and image a boot needs."""
import time


def wait_for(predicate, timeout=20, what='condition'):
    """Poll ``predicate`` until it returns something true; return that."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = predicate()
        if result:
            return result
        time.sleep(0.05)
    raise AssertionError('timed out waiting for %s' % what)


def add_flavor_and_image(cloud, token='admin:admin'):
    """Flavor ``small`` (512 MB, 1 vCPU, 1 GB) and a public active image,
    whose id becomes ``cloud.image_id``."""
    cloud.post('/v2.1/flavors', {'flavor': {'name': 'small', 'ram': 512, 'vcpus': 1,
                                            'disk': 1, 'id': 'small'}}, status=200)
    image = cloud.post('/image/v2/images', {'name': 'img', 'disk_format': 'raw',
                                            'visibility': 'public',
                                            'container_format': 'bare'}, status=201).json
    cloud.app.put('/image/v2/images/%s/file' % image['id'], b'x' * 100,
                  headers={'X-Auth-Token': token,
                           'Content-Type': 'application/octet-stream'})
    cloud.image_id = image['id']
