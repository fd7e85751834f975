"""Test data for the network module, built on tests/world.py: a network of "this territory" (Calais,
CA Grand Calais Terres et Mers) animated by the world's resource centre, whose members are the
lecteur, the partenaire and the chef; the autre_chef (Dunkerque) and the admin are not members."""

from datetime import timedelta

from django.core.files.base import ContentFile
from django.utils import timezone

from quartiers.network.models import Meeting, MeetingAttachment, Network, NetworkMember, PriorityAxis

SLUG = "reseau-test-littoral"


def make_network(w):
    network, created = Network.objects.get_or_create(
        slug=SLUG, defaults={"name": "Réseau de test du Littoral", "animator": w.orgs["irev"]}
    )
    if created:
        network.communes.add(w.calais)
        network.epcis.add(w.grand_calais)
        for role, org, function in (
            ("lecteur", "irev", "Chargée de mission"),
            ("partenaire", "bailleur", "Responsable GUP"),
            ("chef", "agglo", "Cheffe de projet politique de la ville"),
        ):
            user = w.users[role]
            NetworkMember.objects.create(
                network=network,
                user=user,
                full_name=f"{user.first_name} {user.last_name}",
                organisation=w.orgs[org],
                function=function,
                epci=w.grand_calais,
                email=f"{role}@exemple.test",
                phone="03 21 00 00 00",
            )
    return network


def member(w, role):
    return make_network(w).members.get(user=w.users[role])


def make_meeting(w, days=10, capacity=None, title="Rencontre de test", **extra):
    network = make_network(w)
    return Meeting.objects.create(
        network=network,
        title=title,
        starts_at=timezone.now() + timedelta(days=days),
        place="Calais",
        organiser=extra.pop("organiser", w.orgs["irev"]),
        capacity=capacity,
        **extra,
    )


def make_axis(w, title="Observer ensemble les QPV", **extra):
    return PriorityAxis.objects.create(network=make_network(w), title=title, **extra)


def make_attachment(w):
    meeting = make_meeting(w)
    attachment = MeetingAttachment(
        meeting=meeting, title="Point d'actualité", filename="actu.pdf", content_type="application/pdf", size=9
    )
    attachment.file.save("actu.pdf", ContentFile(b"%PDF-1.4\n"), save=False)
    attachment.save()
    return attachment
