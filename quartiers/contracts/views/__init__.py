"""The contracts pages, one module per page family (see urls.py)."""
