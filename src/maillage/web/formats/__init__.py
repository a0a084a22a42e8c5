"""Locale formats that override Django's (``FORMAT_MODULE_PATH``): see ``fr/formats.py``."""
