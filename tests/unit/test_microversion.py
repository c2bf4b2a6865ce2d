"""Microversion parsing and comparison."""
import pytest

from nova_api import microversion
from nova_common import exception


def test_versions_compare_numerically():
    assert microversion.APIVersion('2.10') > microversion.APIVersion('2.9')
    assert microversion.APIVersion('2.53').at_least('2.53')
    assert not microversion.APIVersion('2.52').at_least('2.53')


def test_no_header_means_the_minimum():
    assert microversion.from_headers({}) == microversion.MIN


@pytest.mark.parametrize('header', [
    {'OpenStack-API-Version': 'compute 2.53'},
    {'X-OpenStack-Nova-API-Version': '2.53'},
])
def test_both_headers_are_read(header):
    assert str(microversion.from_headers(header)) == '2.53'


def test_latest_is_the_maximum():
    assert microversion.from_headers({'OpenStack-API-Version': 'compute latest'}) == microversion.MAX


def test_other_service_types_are_ignored():
    assert microversion.from_headers({'OpenStack-API-Version': 'volume 3.50'}) == microversion.MIN


@pytest.mark.parametrize('value', ['2.0', '1.5', '3.1', '2.%d' % (microversion.MAX.minor + 1)])
def test_out_of_range_is_406(value):
    with pytest.raises(exception.VersionNotAcceptable) as caught:
        microversion.from_headers({'OpenStack-API-Version': 'compute ' + value})
    assert caught.value.code == 406


@pytest.mark.parametrize('value', ['two', '2', '2.01x', '2.-1'])
def test_malformed_is_400(value):
    with pytest.raises(exception.InvalidInput):
        microversion.from_headers({'OpenStack-API-Version': 'compute ' + value})
