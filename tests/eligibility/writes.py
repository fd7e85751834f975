"""Write cases of the batch eligibility check (tests/write_matrix.py): a batch belongs to whoever uploaded it."""

from django.core.files.uploadedfile import SimpleUploadedFile

from tests.eligibility.matrix import _upload_of_chef
from tests.write_matrix import ELEVATION, NOMINAL, OTHER_ORGANISATION, OTHER_TERRITORY, not_applicable, write

NO_TERRITORY = "Un lot d'adresses n'a pas de territoire : il appartient à la personne qui l'a déposé."


def _upload(w):
    return {"fichier": SimpleUploadedFile("adresses.csv", b"adresse;cp\n1 rue Loin;99200\n", "text/csv")}


WRITES = [
    write(
        "eligibility:batch",
        NOMINAL,
        "lecteur partenaire delegue animateur autre_chef chef admin",
        data=_upload,
        writes_outside_db="le fichier attend l'association de ses colonnes sur disque, sans ligne en base",
    ),
    *not_applicable("eligibility:batch", OTHER_TERRITORY, OTHER_ORGANISATION, reason=NO_TERRITORY),
    *not_applicable("eligibility:batch", ELEVATION, reason="Le dépôt ne porte ni organisation ni rôle."),
    # Another person's uploaded file (the chef's): only he and the administrators may launch it.
    write(
        "eligibility:batch_mapping",
        OTHER_ORGANISATION,
        "chef admin",
        args=_upload_of_chef,
        data={"adresse": "adresse", "code_postal": "cp"},
        label="eligibility:batch_mapping [autre_organisation] (le fichier déposé par un autre)",
    ),
    *not_applicable("eligibility:batch_mapping", OTHER_TERRITORY, reason=NO_TERRITORY),
    *not_applicable("eligibility:batch_mapping", ELEVATION, reason="L'association des colonnes ne porte aucun droit."),
]

WRITES += [
    write(
        "api:eligibility_batches",
        NOMINAL,
        "lecteur partenaire delegue animateur autre_chef chef admin",
        data=_upload,
        refused=(401, 403, 404),
        label="api:eligibility_batches [nominal] (lot déposé par l'API : une tâche de fond)",
    ),
    *not_applicable("api:eligibility_batches", OTHER_TERRITORY, OTHER_ORGANISATION, reason=NO_TERRITORY),
    *not_applicable("api:eligibility_batches", ELEVATION, reason="Le dépôt ne porte ni organisation ni rôle."),
]
