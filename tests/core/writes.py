"""Write cases of core (tests/write_matrix.py): starting an « export of everything » background job."""

from tests.write_matrix import ELEVATION, NOMINAL, OTHER_ORGANISATION, OTHER_TERRITORY, not_applicable, write

WRITES = [
    write(
        "core:export_start",
        NOMINAL,
        "lecteur partenaire delegue animateur autre_chef chef admin",
        data={"export": "territories.qpv_indicateurs", "format": "csv"},
    ),
    *not_applicable(
        "core:export_start",
        OTHER_TERRITORY,
        OTHER_ORGANISATION,
        reason="L'export ne contient que ce que le demandeur peut voir : la tâche ré-applique son filtre de droits.",
    ),
    *not_applicable(
        "core:export_start",
        ELEVATION,
        reason="L'export est toujours au nom du demandeur : aucun champ ne désigne un compte, un rôle ou un droit.",
    ),
]
