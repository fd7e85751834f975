from django.urls import path

from . import edit_views, views

app_name = "contracts"
urlpatterns = [
    path("", views.index, name="index"),
    path("export/", views.export, name="export"),
    path("nouveau/", views.contract_create, name="contract_create"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/qui-s-engage-a-quoi/", views.commitment_matrix, name="matrix"),
    path("<int:pk>/engagements/export/", views.commitments_export, name="commitments_export"),
    path("<int:pk>/synthese.pdf", views.summary_pdf, name="pdf"),
    path("<int:pk>/engagements/nouveau/", views.commitment_create, name="commitment_create"),
    path("<int:pk>/avenants/nouveau/", views.amendment_create, name="amendment_create"),
    path("<int:pk>/signataires/nouveau/", views.signatory_add, name="signatory_add"),
    path("engagements/<int:pk>/", views.commitment_detail, name="commitment_detail"),
    path("engagements/<int:pk>/statut/", views.commitment_status, name="commitment_status"),
    path("engagements/<int:pk>/indicateurs/", views.indicator_add, name="indicator_add"),
    path("engagements/<int:pk>/indicateurs/<int:indicator_pk>/valeurs/", views.measurement_add, name="measurement_add"),
    path("engagements/<int:pk>/pieces/", views.evidence_add, name="evidence_add"),
    path("engagements/<int:pk>/pieces/<int:evidence_pk>/", views.evidence_download, name="evidence_download"),
    # Edits after creation and corrections (edit_views).
    path("<int:pk>/modifier/", edit_views.contract_edit, name="contract_edit"),
    path("<int:pk>/structure/", edit_views.structure, name="structure"),
    path("<int:pk>/structure/piliers/", edit_views.pillar_add, name="pillar_add"),
    path("<int:pk>/structure/objectifs/", edit_views.objective_add, name="objective_add"),
    path("<int:pk>/structure/<str:kind>/<int:node_pk>/renommer/", edit_views.node_rename, name="node_rename"),
    path("<int:pk>/structure/<str:kind>/<int:node_pk>/deplacer/", edit_views.node_move, name="node_move"),
    path("<int:pk>/structure/<str:kind>/<int:node_pk>/supprimer/", edit_views.node_delete, name="node_delete"),
    path("<int:pk>/documents/nouveau/", edit_views.document_add, name="document_add"),
    path("<int:pk>/documents/<int:document_pk>/", edit_views.document_download, name="document_download"),
    path(
        "engagements/<int:pk>/indicateurs/<int:indicator_pk>/valeurs/<int:measurement_pk>/supprimer/",
        edit_views.measurement_delete,
        name="measurement_delete",
    ),
    path("engagements/<int:pk>/pieces/<int:evidence_pk>/retirer/", edit_views.evidence_delete, name="evidence_delete"),
]
