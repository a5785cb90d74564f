"""Data files for the engine (user dictionary, stopwords, character maps).

A package so ``importlib.resources`` can find the files in an installed wheel too.
"""
