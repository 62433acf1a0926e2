"""Helpers for spreadsheets the academy hands to staff."""

# A cell starting with one of these is run as a formula by spreadsheet programs (CSV/formula injection).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    """Make text that a spreadsheet would run as a formula into plain text by prefixing an apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value
