"""Permission matrix of the open-data family: SCDL page and files, import pages, read API."""

from tests.permission_matrix import LOGIN, MEMBERS, Case, expect
from tests.programming.helpers import setup
from tests.programming.opendata_data import granted_world, pending_file, prefecture_file_args

API_MEMBERS = expect(401, 200, 200, 200, 200, 200)
# Who steers a call (the chef de projet) or acts for the financer (the délégué du préfet, member of the préfecture).
PUBLISHERS = expect(LOGIN, 404, 404, 404, 200, 200, delegue=200)
# The import: the chefs de projet of a contract's territory (autre_chef has the Dunkerque contract).
IMPORTERS = expect(LOGIN, 403, 403, 200, 200, 200)
# An uploaded file: the person who uploaded it (the chef) and the administrators.
UPLOADER = expect(LOGIN, 404, 404, 404, 200, 200)


def _granted(w):
    granted_world(w)
    return []


def _setup(w):
    setup(w)
    return []


def _call(w):
    return [granted_world(w).extra["call"].pk]


CASES = [
    Case("programming:opendata", MEMBERS, args=_granted),
    Case("programming:opendata", MEMBERS, args=_granted, query="?format=xlsx", label="GET programming:opendata (XLSX)"),
    Case("programming:scdl_file", PUBLISHERS, args=prefecture_file_args),
    Case("programming:import", IMPORTERS, args=_setup),
    Case("programming:import_mapping", UPLOADER, args=pending_file),
    Case("programming:import_rejected", UPLOADER, args=pending_file, query="?format=csv"),
    Case("api:programming_api_calls", API_MEMBERS, args=_granted),
    Case("api:programming_api_call", API_MEMBERS, args=_call),
    Case("api:programming_api_subsidies", API_MEMBERS, args=_call),
]
