from django.dispatch import Signal

# Sent (after commit) by the QPV importer when outlines changed, so spatial indexes rebuild.
outlines_changed = Signal()
