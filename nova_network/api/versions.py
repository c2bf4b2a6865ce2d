"""The version document (GET /network/, no authentication) and the v2.0
root listing the resources (GET /network/v2.0/), as Neutron answers them."""
API_VERSION = 'v2.0'
# The core resources, as Neutron lists them (extensions are under /extensions).
RESOURCES = (('network', 'networks'), ('subnet', 'subnets'), ('port', 'ports'))


def version_list(root_url):
    return {'versions': [{'id': API_VERSION, 'status': 'CURRENT', 'links': [
        {'rel': 'self', 'href': '%s/%s/' % (root_url.rstrip('/'), API_VERSION)}]}]}


def resources(req):
    return {'resources': [
        {'name': name, 'collection': collection,
         'links': [{'rel': 'self', 'href': '%s/%s' % (req.base_url, collection)}]}
        for name, collection in RESOURCES]}


ROUTES = [('GET', '/', resources)]
