from tests.permission_matrix import PUBLIC, Case

CASES = [
    Case("site:home", PUBLIC),
]
