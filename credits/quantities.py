"""Credit and hour figures as people write them, for every page, message and certificate PDF."""

from decimal import Decimal

ZERO = Decimal("0.0")
ONE_PLACE = Decimal("0.1")


def quantity(value: Decimal) -> str:
    """A credit or hour figure as people write it: 1.5, 2 (not 2.0), 0.5."""
    text = f"{Decimal(value).quantize(ONE_PLACE):f}"
    return text[:-2] if text.endswith(".0") else text
