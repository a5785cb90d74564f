"""Linli decision engine: the platform's decision mathematics.

Framework-free on purpose: no Django import anywhere under this package (enforced by
``tests/engine/test_no_django.py``). Web apps call it through one adapter each.
"""
