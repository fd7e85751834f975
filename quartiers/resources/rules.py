"""Rules of the resource library.

- Public documents and digests are open to everyone; the others to everyone signed in.
- A document is added by a chef de projet or partner; it is changed by the chefs de projet of its territory or
  of its author organisation, and by its author while the document is in his territory.
- A digest (« point d'actualité ») is published by the animateurs of its author organisation (the resource centre).
"""

from django.db.models import Q

from quartiers.core.permissions import (
    ANIMATOR,
    CHEF,
    PARTNER,
    admins_only,
    anyone,
    declare,
    holds,
    organisation_ids,
    own,
    predicate,
    public_row,
    roles_label,
    row_rule,
    scope_keys,
    signed_in,
    via,
)
from quartiers.resources.models import (
    Attachment,
    Digest,
    DigestItem,
    Document,
    Favourite,
    SearchPosting,
    SearchTerm,
    Theme,
)
from quartiers.resources.search import DocumentFts


def document_in_scope(*roles):
    # A document reaches its territory through its communes, EPCI and QPV (see DocumentQuerySet.in_scope).
    return row_rule(
        f"{roles_label(roles)} du territoire du document",
        lambda user: Document.objects.in_scope_q(scope_keys(user, set(roles))),
    )


author_organisation_chefs = row_rule(
    "les chefs de projet de l'organisation autrice",
    lambda user: Q(author_organisation_id__in=organisation_ids(user, {CHEF})),
)
author = row_rule("son auteur", lambda user: Q(created_by=user) if user.is_authenticated else False)
contributors = document_in_scope(CHEF, PARTNER)
editors = document_in_scope(CHEF) | author_organisation_chefs | (author & contributors)

declare(
    Document,
    view=public_row | signed_in,
    create=holds(CHEF, PARTNER),
    change=editors,
    contribute=contributors,
    delete=editors,
)
declare(
    Attachment,
    view=via("document", "view"),
    create=via("document", "change"),
    change=via("document", "change"),
    delete=via("document", "change"),
)
declare(Favourite, view=own("user"), create=signed_in, change=admins_only, delete=own("user"))
declare(Theme, view=anyone, create=admins_only, change=admins_only, delete=admins_only)
# The SQLite full-text table: written by the search index only.
declare(DocumentFts, view=admins_only, create=admins_only, change=admins_only, delete=admins_only)
# The ranking index (ranking.py): written by the search index only.
for _model in (SearchTerm, SearchPosting):
    declare(_model, view=admins_only, create=admins_only, change=admins_only, delete=admins_only)

digest_animators = predicate(
    "les animateurs de l'organisation autrice",
    lambda user, digest: (
        bool(digest.author_organisation_id) and digest.author_organisation_id in organisation_ids(user, {ANIMATOR})
    ),
    lambda user: Q(author_organisation_id__in=organisation_ids(user, {ANIMATOR})),
)
declare(Digest, view=public_row | signed_in, create=admins_only, change=digest_animators, delete=admins_only)
declare(
    DigestItem,
    view=via("digest", "view"),
    create=via("digest", "change"),
    change=via("digest", "change"),
    delete=via("digest", "change"),
)
