"""Write cases of the open-data family: the import's upload (a file kept on disk for its mapping) and its import."""

from django.core.files.uploadedfile import SimpleUploadedFile

from tests.programming.opendata_data import IMPORT_FILE, fresh_setup, mapping_post, pending_file
from tests.write_matrix import ELEVATION, OTHER_ORGANISATION, OTHER_TERRITORY, not_applicable, write

ON_DISK = "le fichier attend l'association de ses colonnes sur disque, sans ligne en base"


def _upload_for_dunkerque(w):
    fresh_setup(w)
    upload = SimpleUploadedFile(IMPORT_FILE.name, IMPORT_FILE.read_bytes(), "text/csv")
    return {"contract": w.extra["dunkerque_contract"].pk, "file": upload}


def _file_for_dunkerque(w):
    # The chef's own upload, but towards the Dunkerque contract: he does not steer it.
    return pending_file(w, owner="chef", contract="dunkerque_contract")


WRITES = [
    # Importing into the Dunkerque contract: its chef de projet and the administrators; the Calais chef gets the form
    # back with the contract refused (200), nothing written.
    write(
        "programming:import",
        OTHER_TERRITORY,
        "autre_chef admin",
        data=_upload_for_dunkerque,
        refused=(200, 403, 404),
        writes_outside_db=ON_DISK,
    ),
    *not_applicable(
        "programming:import", OTHER_ORGANISATION, reason="Le dépôt vise un contrat, pas l'objet d'une organisation."
    ),
    *not_applicable(
        "programming:import", ELEVATION, reason="Le dépôt ne porte ni rôle, ni organisation, ni territoire."
    ),
    write(
        "programming:import_mapping",
        OTHER_ORGANISATION,
        "chef admin",
        args=pending_file,
        data=mapping_post,
        label="programming:import_mapping [autre_organisation] (le fichier déposé par un autre)",
    ),
    write(
        "programming:import_mapping",
        OTHER_TERRITORY,
        "admin",
        args=_file_for_dunkerque,
        data=mapping_post,
        label="programming:import_mapping [autre_territoire] (un fichier visant le contrat de Dunkerque)",
    ),
    *not_applicable("programming:import_mapping", ELEVATION, reason="L'association des colonnes ne porte aucun droit."),
]
