"""Rules of the network of chefs de projet.

- Animating a network (its meetings, attendance, minutes, axes' status, directory and imports) is the resource
  centre's job: the « animateur » memberships of its animator organisation (and administrators); a meeting's
  organisers also steer that meeting.
- Its members (chefs de projet, partners…) see it, register, propose and support axes, vote.
- The chefs de projet and délégués du préfet whose scope covers the network read it too.
- Contact details (`Contacts`) are for its members and animators.
"""

from django.db.models import Q

from quartiers.core.permissions import (
    ANIMATOR,
    CHEF,
    DELEGATE,
    PARTNER,
    admins_only,
    declare,
    declare_part,
    organisation_ids,
    own,
    predicate,
    scope_keys,
    signed_in,
    via,
)
from quartiers.network.models import (
    AgendaItem,
    AgendaLink,
    AxisNote,
    AxisRank,
    AxisSupport,
    Contacts,
    Invitation,
    Meeting,
    MeetingAttachment,
    Network,
    NetworkMember,
    PriorityAxis,
    Registration,
    Theme,
    WorkingGroupMember,
    member_network_ids,
)

# Roles whose scope lets them read the networks of their territory without being members.
TERRITORY_READERS = {CHEF, DELEGATE}
# Memberships of a meeting's organiser organisation that steer that meeting.
ORGANISER_ROLES = {CHEF, PARTNER, ANIMATOR}


def _in_scope_of(user):
    """Networks whose territory a chef de projet or délégué du préfet of the user covers."""
    codes = {"commune": [], "epci": [], "departement": [], "region": []}
    for key in scope_keys(user, TERRITORY_READERS):
        level, code = key.split(":", 1)
        codes.setdefault(level, []).append(code)
    # A network covers its communes (with their EPCI, département, région) and the EPCI it lists.
    q = (
        Q(communes__insee__in=codes["commune"])
        | Q(communes__epci_id__in=codes["epci"])
        | Q(epcis__siren__in=codes["epci"])
        | Q(communes__departement_id__in=codes["departement"])
        | Q(communes__departement__region_id__in=codes["region"])
    )
    return Q(pk__in=Network.objects.filter(q).values("pk"))


def _animates(user, network):
    return bool(network.animator_id) and network.animator_id in organisation_ids(user, {ANIMATOR})


animators = predicate(
    "les animateurs de l'organisation qui anime le réseau",
    _animates,
    lambda user: Q(animator_id__in=organisation_ids(user, {ANIMATOR})),
)
members = predicate(
    "ses membres", lambda user, network: network.is_member(user), lambda user: Q(pk__in=member_network_ids(user))
)
territory_readers = predicate(
    "les chefs de projet et délégués du préfet de son territoire",
    lambda user, network: bool(network.territory_keys() & scope_keys(user, TERRITORY_READERS)),
    _in_scope_of,
)

declare(
    Network,
    view=members | animators | territory_readers,
    create=admins_only,
    change=animators,
    contribute=members | animators,  # propose an axis, register…
    delete=admins_only,
)
declare(
    Contacts,
    view=predicate(
        "ses membres et animateurs",
        lambda user, contacts: contacts.network.is_member(user) or _animates(user, contacts.network),
    ),
)

organisers = predicate(
    "l'organisation qui organise la rencontre",
    lambda user, meeting: (
        bool(meeting.organiser_id) and meeting.organiser_id in organisation_ids(user, ORGANISER_ROLES)
    ),
    lambda user: Q(organiser_id__in=organisation_ids(user, ORGANISER_ROLES)),
)
animates_network = via("network", "change")
declare(
    Meeting,
    view=via("network", "view"),
    create=animates_network,
    change=animates_network | organisers,
    delete=animates_network,
)
# An axis' status, working group and notes: the network's animators; its members propose it.
declare(
    PriorityAxis,
    view=via("network", "view"),
    create=via("network", "contribute"),
    change=animates_network,
    delete=animates_network,
)

# The people of a network, and what hangs off its meetings and axes, follow their parent.
declare(
    NetworkMember,
    view=via("network", "view"),
    create=animates_network,
    change=animates_network,
    delete=animates_network,
)
for model in (AgendaItem, Invitation, MeetingAttachment):
    declare_part(model, "meeting", view=via("meeting", "view"))
declare_part(AgendaLink, "item", view=via("item", "view"))
# A member registers himself, supports and ranks axes himself (the organisers may register him too).
himself = predicate(
    "le membre lui-même", lambda user, row: row.member.user_id == user.pk, lambda user: Q(member__user=user)
)
declare(
    Registration,
    view=via("meeting", "view"),
    create=himself | via("meeting", "change"),
    change=via("meeting", "change"),
    delete=via("meeting", "change"),
)
for model in (AxisSupport, AxisRank):
    declare(model, view=via("axis", "view"), create=himself, change=himself, delete=himself)
declare_part(WorkingGroupMember, "axis", view=via("axis", "view"))
declare(
    AxisNote, view=via("axis", "view"), create=via("axis", "change"), change=own("author"), delete=via("axis", "change")
)
declare(Theme, view=signed_in, create=admins_only, change=admins_only, delete=admins_only)
