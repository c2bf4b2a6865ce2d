"""Nova's little language for matching a host capability against a flavor
extra spec value, e.g. ``">= 4096"``, ``"s== kvm"``, ``"<in> avx2"``,
``"<or> x86_64 <or> aarch64"``. A value that does not start with an
operator must equal the capability exactly."""
import operator


def _numeric(compare):
    def check(capability, wanted):
        try:
            return compare(float(capability), float(wanted))
        except ValueError:
            return False
    return check


_OPERATORS = {
    # "=" means "at least", as in Nova.
    '=': _numeric(operator.ge),
    '==': _numeric(operator.eq),
    '!=': _numeric(operator.ne),
    '>=': _numeric(operator.ge),
    '<=': _numeric(operator.le),
    's==': operator.eq,
    's!=': operator.ne,
    's<': operator.lt,
    's<=': operator.le,
    's>': operator.gt,
    's>=': operator.ge,
    '<in>': lambda capability, wanted: wanted in capability,
}


def _one_of(capability, words):
    """``words`` is "v1 <or> v2 <or> v3" (after the leading <or>)."""
    return capability in words[::2]


def match(capability, requirement):
    """Whether ``capability`` (a string, or None when the host lacks it)
    satisfies ``requirement``."""
    words = requirement.split()
    op = words[0] if words else None
    if op not in _OPERATORS and op not in ('<or>', '<all-in>'):
        return capability == requirement
    if capability is None:
        return False
    operands = words[1:]
    if not operands:
        return False
    if op == '<or>':
        return _one_of(capability, operands)
    if op == '<all-in>':
        return all(word in capability for word in operands)
    return _OPERATORS[op](capability, operands[0])
