"""The compute manager's image cache task hands the driver the images of
the instances on its host, and does nothing before the service is
registered."""
from nova_compute import manager as compute_manager


class Conductor:
    def __init__(self, instances):
        self.instances = instances
        self.asked = []

    def instances_on_host(self, context, host):
        self.asked.append(host)
        return self.instances


class Driver:
    def __init__(self):
        self.calls = []

    def manage_image_cache(self, context, used_image_ids):
        self.calls.append(used_image_ids)


def _manager(instances):
    manager = compute_manager.ComputeManager('host1')
    manager.conductor_api = Conductor(instances)
    manager.driver = Driver()
    return manager


def test_images_of_the_hosts_instances_are_kept():
    manager = _manager([{'image_ref': 'image-a'}, {'image_ref': 'image-b'},
                        {'image_ref': 'image-a'}, {'image_ref': ''}])
    manager.service_id = 7
    manager.manage_image_cache(context=None)
    assert manager.conductor_api.asked == ['host1']
    assert manager.driver.calls == [{'image-a', 'image-b'}]


def test_nothing_happens_before_the_service_is_registered():
    manager = _manager([{'image_ref': 'image-a'}])
    manager.manage_image_cache(context=None)
    assert manager.driver.calls == []
    assert manager.conductor_api.asked == []
