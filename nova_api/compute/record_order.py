"""The order of a server list, in Python: the same order ``instances.list``
gives in SQL (NULL before any value; later keys break ties; ``uuid``
last, so the order is total). Lists from several cells and the build
requests merge with it, and ``comes_after`` pages them by marker."""
import functools


def _compare_values(first, second):
    if first is None or second is None:
        return (first is not None) - (second is not None)
    return (first > second) - (first < second)


def compare(first, second, keys, dirs):
    """<0, 0 or >0 as record ``first`` comes before, with or after
    ``second`` in the order (keys, dirs)."""
    for key, direction in zip(keys, dirs):
        result = _compare_values(first.get(key), second.get(key))
        if result:
            return result if direction == 'asc' else -result
    return 0


def sort_key(keys, dirs):
    """A ``sorted`` key for the order (keys, dirs)."""
    return functools.cmp_to_key(lambda first, second: compare(first, second, keys, dirs))


def comes_after(record, marker, keys, dirs):
    """Whether ``record`` comes strictly after ``marker`` ({key: value})."""
    return compare(record, marker, keys, dirs) > 0
