"""Pages of the programming, mounted under /programmation/. Each stage's views module brings its own
`urlpatterns` (one module per page family, see views/__init__.py)."""

from .views import applications, bilans, calls, committee, followup, instruction, opendata

app_name = "programming"
urlpatterns = [
    *calls.urlpatterns,
    *applications.urlpatterns,
    *instruction.urlpatterns,
    *committee.urlpatterns,
    *followup.urlpatterns,
    *bilans.urlpatterns,
    *opendata.urlpatterns,
]
