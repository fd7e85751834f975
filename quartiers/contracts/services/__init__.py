"""Every state change of the contracts module, one room per family (GUIDE §3, issue 14): each function runs in
one transaction, asks the permission policy itself (`common.check`: the view asked first, the service does
not rely on it) and writes the audit trail. Callers use `from quartiers.contracts import services`."""

from .commitments import (
    add_evidence,
    add_indicator,
    change_status,
    create_commitment,
    delete_measurement,
    record_measurement,
    remove_evidence,
)
from .contracts import (
    STANDARD_PILLARS,
    add_document,
    add_signatory,
    build_contract,
    create_amendment,
    create_contract,
    update_contract_info,
)
from .measurements import MeasurementReport, import_measurements, read_measurements_file
from .posts import ImportReport, guess_programme, import_posts, posts_by_structure, read_posts_file
from .structure import (
    add_objective,
    add_pillar,
    blocking_commitments,
    label,
    move_node,
    remove_node,
    rename_node,
)

__all__ = [
    "STANDARD_PILLARS",
    "ImportReport",
    "add_document",
    "add_evidence",
    "add_indicator",
    "add_objective",
    "add_pillar",
    "add_signatory",
    "blocking_commitments",
    "build_contract",
    "change_status",
    "create_amendment",
    "create_commitment",
    "create_contract",
    "delete_measurement",
    "guess_programme",
    "import_posts",
    "label",
    "move_node",
    "posts_by_structure",
    "read_posts_file",
    "record_measurement",
    "import_measurements",
    "read_measurements_file",
    "MeasurementReport",
    "remove_evidence",
    "remove_node",
    "rename_node",
    "update_contract_info",
]
