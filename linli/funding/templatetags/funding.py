from django import template

from linli.core.money import fen_to_yuan

register = template.Library()


# Integer fen shown as yuan: 400050 → 4,000.50 (the one formatter, linli.core.money).
register.filter("yuan", fen_to_yuan)


@register.filter
def percent_of(part, whole):
    """Width for a bar: part/whole as a whole percent, at most 100."""
    try:
        return min(100, int(part) * 100 // int(whole)) if int(whole) > 0 else 0
    except (TypeError, ValueError):
        return 0
