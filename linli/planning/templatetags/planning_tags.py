from django import template

from linli.planning.services import fen_to_yuan

register = template.Library()


@register.filter
def yuan(fen) -> str:
    """Integer fen → "1,234.50"."""
    try:
        return fen_to_yuan(int(fen))
    except (TypeError, ValueError):
        return ""
