"""applications pages of the programming (see views/__init__.py)."""

urlpatterns = []
