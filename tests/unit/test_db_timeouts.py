"""MySQL connections carry connect and read timeouts, so that a hung
database fails a statement after a bounded wait."""
from nova_common.conf import CONF
from nova_common.db import engines


def test_mysql_urls_get_connect_and_read_timeouts():
    CONF.set_override('mysql_read_timeout', 7, group='database')
    url = engines._with_mysql_timeouts('mysql+pymysql://nova:secret@db/nova_cell1?charset=utf8',
                                       CONF.database)
    assert url == ('mysql+pymysql://nova:secret@db/nova_cell1?charset=utf8'
                   '&connect_timeout=10&read_timeout=7')


def test_timeouts_set_in_the_url_are_kept_and_sqlite_is_left_alone():
    url = 'mysql+pymysql://nova:secret@db/nova?read_timeout=120'
    assert engines._with_mysql_timeouts(url, CONF.api_database) == (
        'mysql+pymysql://nova:secret@db/nova?connect_timeout=10&read_timeout=120')
    assert engines._with_mysql_timeouts('sqlite:///nova.db', CONF.database) == \
        'sqlite:///nova.db'
