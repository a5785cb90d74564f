from django import template

from linli.core.money import fen_to_yuan

register = template.Library()


# Integer fen shown as yuan: 400050 → 4,000.50 (the one formatter, linli.core.money).
register.filter("yuan", fen_to_yuan)
