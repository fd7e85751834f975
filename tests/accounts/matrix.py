from tests.permission_matrix import PUBLIC, Case, expect

CASES = [
    Case("accounts:login", expect(200, 302, 302, 302, 302, 302)),
    Case(
        "accounts:logout",
        PUBLIC | {"anonyme": 302, "lecteur": 302, "partenaire": 302, "autre_chef": 302, "chef": 302, "admin": 302},
        method="post",
    ),
]
