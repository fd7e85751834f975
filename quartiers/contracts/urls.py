from django.urls import path

from .views import commitments, contract_page, contracts, structure

app_name = "contracts"
urlpatterns = [
    path("", contracts.index, name="index"),
    path("export/", contracts.export, name="export"),
    path("nouveau/", contracts.contract_create, name="contract_create"),
    path("<int:pk>/", contract_page.detail, name="detail"),
    path("<int:pk>/qui-s-engage-a-quoi/", contract_page.commitment_matrix, name="matrix"),
    path("<int:pk>/engagements/export/", contract_page.commitments_export, name="commitments_export"),
    path("<int:pk>/synthese.pdf", contract_page.summary_pdf, name="pdf"),
    path("<int:pk>/engagements/nouveau/", commitments.commitment_create, name="commitment_create"),
    path("<int:pk>/avenants/nouveau/", contracts.amendment_create, name="amendment_create"),
    path("<int:pk>/signataires/nouveau/", contracts.signatory_add, name="signatory_add"),
    path("engagements/<int:pk>/", commitments.commitment_detail, name="commitment_detail"),
    path("engagements/<int:pk>/statut/", commitments.commitment_status, name="commitment_status"),
    path("engagements/<int:pk>/indicateurs/", commitments.indicator_add, name="indicator_add"),
    path(
        "engagements/<int:pk>/indicateurs/<int:indicator_pk>/valeurs/",
        commitments.measurement_add,
        name="measurement_add",
    ),
    path("engagements/<int:pk>/pieces/", commitments.evidence_add, name="evidence_add"),
    path("engagements/<int:pk>/pieces/<int:evidence_pk>/", commitments.evidence_download, name="evidence_download"),
    path("<int:pk>/modifier/", contracts.contract_edit, name="contract_edit"),
    path("<int:pk>/structure/", structure.structure, name="structure"),
    path("<int:pk>/structure/piliers/", structure.pillar_add, name="pillar_add"),
    path("<int:pk>/structure/objectifs/", structure.objective_add, name="objective_add"),
    path("<int:pk>/structure/<str:kind>/<int:node_pk>/renommer/", structure.node_rename, name="node_rename"),
    path("<int:pk>/structure/<str:kind>/<int:node_pk>/deplacer/", structure.node_move, name="node_move"),
    path("<int:pk>/structure/<str:kind>/<int:node_pk>/supprimer/", structure.node_delete, name="node_delete"),
    path("<int:pk>/documents/nouveau/", contracts.document_add, name="document_add"),
    path("<int:pk>/documents/<int:document_pk>/", contracts.document_download, name="document_download"),
    path(
        "engagements/<int:pk>/indicateurs/<int:indicator_pk>/valeurs/<int:measurement_pk>/supprimer/",
        commitments.measurement_delete,
        name="measurement_delete",
    ),
    path("engagements/<int:pk>/pieces/<int:evidence_pk>/retirer/", commitments.evidence_delete, name="evidence_delete"),
]
