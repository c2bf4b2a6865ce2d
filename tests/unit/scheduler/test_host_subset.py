"""[filter_scheduler] host_subset_size: the chosen host is a random one of
the best N weighed hosts; the rest keep their order (as alternates)."""
from nova_scheduler import selection


def _firsts(ranked, runs=200):
    return {tuple(selection._best_first(ranked))[0] for _ in range(runs)}


def test_default_takes_the_best_host(clean_config):
    assert selection._best_first(list('abcde')) == list('abcde')
    assert _firsts(list('abcde')) == {'a'}


def test_subset_picks_among_the_best(clean_config):
    clean_config.set_override('host_subset_size', 2, group='filter_scheduler')
    assert _firsts(list('abcde')) == {'a', 'b'}
    for _ in range(20):
        ranked = selection._best_first(list('abcde'))
        assert sorted(ranked) == list('abcde')
        assert ranked[2:] == list('cde')


def test_subset_larger_than_the_hosts(clean_config):
    clean_config.set_override('host_subset_size', 10, group='filter_scheduler')
    assert _firsts(list('abc')) == {'a', 'b', 'c'}
