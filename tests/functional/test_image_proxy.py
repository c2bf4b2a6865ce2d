"""/images and /images/{id}/metadata (up to 2.35): the compute API's proxy
to the image service, over the local store."""
DEMO = 'demo:demo'
OTHER = 'other:other'


def _image(cloud, token=DEMO, **body):
    body.setdefault('name', 'img')
    body.update(disk_format='raw', container_format='bare')
    return cloud.post('/image/v2/images', body, token=token, status=201).json


def test_list_detail_and_show(cloud):
    mine = _image(cloud, name='mine', min_ram=512, instance_uuid='8d6f5a3c-1111-4222-8333-'
                  '444455556666', image_type='snapshot')
    _image(cloud, name='theirs', token=OTHER)
    listed = cloud.get('/v2.1/images', token=DEMO, status=200).json['images']
    assert [image['name'] for image in listed] == ['mine']
    assert listed[0]['links'][0]['href'].endswith('/v2.1/images/%s' % mine['id'])
    detail = cloud.get('/v2.1/images/detail', token=DEMO, status=200).json['images'][0]
    assert detail['status'] == 'SAVING' and detail['progress'] == 25
    assert detail['minRam'] == 512 and detail['metadata']['image_type'] == 'snapshot'
    assert detail['server']['id'] == '8d6f5a3c-1111-4222-8333-444455556666'
    shown = cloud.get('/v2.1/images/%s' % mine['id'], token=DEMO, status=200).json['image']
    assert shown['id'] == mine['id']
    assert cloud.get('/v2.1/images?minRam=1024', token=DEMO).json['images'] == []
    assert len(cloud.get('/v2.1/images?type=snapshot', token=DEMO).json['images']) == 1
    assert cloud.get('/v2.1/images?name=nope', token=DEMO).json['images'] == []
    cloud.get('/v2.1/images/%s' % mine['id'], token=OTHER, status=404)
    cloud.get('/v2.1/images', token=DEMO, version='2.36', status=404)


def test_paging_and_bad_query(cloud):
    for index in range(3):
        _image(cloud, name='img%d' % index)
    first = cloud.get('/v2.1/images?limit=2', token=DEMO, status=200).json
    assert len(first['images']) == 2
    assert 'marker=%s' % first['images'][1]['id'] in first['images_links'][0]['href']
    rest = cloud.get('/v2.1/images?limit=2&marker=%s' % first['images'][1]['id'],
                     token=DEMO).json
    assert len(rest['images']) == 1 and 'images_links' not in rest
    cloud.get('/v2.1/images?limit=two', token=DEMO, status=400)
    cloud.get('/v2.1/images?minRam=lots', token=DEMO, status=400)
    cloud.get('/v2.1/images?changes-since=yesterday', token=DEMO, status=400)
    cloud.get('/v2.1/images?marker=unknown', token=DEMO, status=400)


def test_delete(cloud):
    image = _image(cloud)
    protected = _image(cloud, protected=True)
    cloud.delete('/v2.1/images/%s' % image['id'], token=OTHER, status=404)
    cloud.delete('/v2.1/images/%s' % protected['id'], token=DEMO, status=403)
    cloud.delete('/v2.1/images/%s' % image['id'], token=DEMO, status=204)
    cloud.get('/v2.1/images/%s' % image['id'], token=DEMO, status=404)


def test_metadata(cloud):
    image = _image(cloud, color='red')
    url = '/v2.1/images/%s/metadata' % image['id']
    assert cloud.get(url, token=DEMO, status=200).json == {'metadata': {'color': 'red'}}
    merged = cloud.post(url, {'metadata': {'tone': 'xl'}}, token=DEMO, status=200).json
    assert merged == {'metadata': {'color': 'red', 'tone': 'xl'}}
    replaced = cloud.put(url, {'metadata': {'shape': 'round'}}, token=DEMO, status=200).json
    assert replaced == {'metadata': {'shape': 'round'}}
    assert cloud.put(url + '/shape', {'meta': {'shape': 'square'}}, token=DEMO,
                     status=200).json == {'meta': {'shape': 'square'}}
    assert cloud.get(url + '/shape', token=DEMO, status=200).json == {
        'meta': {'shape': 'square'}}
    cloud.delete(url + '/shape', token=DEMO, status=204)
    cloud.get(url + '/shape', token=DEMO, status=404)
    cloud.delete(url + '/shape', token=DEMO, status=404)
    cloud.put(url + '/a', {'meta': {'b': '1'}}, token=DEMO, status=400)
    cloud.post(url, {'metadata': {'bad/key': '1'}}, token=DEMO, status=400)
    cloud.post(url, {'metadata': {'size': '1'}}, token=DEMO, status=403)
    cloud.post(url, {'metadata': {'k': '1'}}, token=OTHER, status=404)
    cloud.put('/v2.1/os-quota-sets/demo', {'quota_set': {'metadata_items': 1}},
              token='admin:admin', status=200)
    fault = cloud.post(url, {'metadata': {'k1': '1', 'k2': '2'}}, token=DEMO, status=403).json
    assert 'exceeds 1' in fault['forbidden']['message']
