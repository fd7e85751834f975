"""The pages of the network module: bad input, contact details, filters, exports, attachments."""

import io
import zipfile
from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from quartiers.core import filetypes
from quartiers.network import services
from quartiers.network.models import AgendaItem, Meeting, MeetingAttachment, NetworkMember, Registration
from tests.factories import MembershipFactory, OrganisationFactory
from tests.network.helpers import SLUG, make_meeting, make_network, member


def _messages(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_register_then_see_the_registration(world, login):
    meeting = make_meeting(world)
    client = login(world.users["chef"])
    response = client.post(reverse("network:meeting_register", args=[meeting.pk]), follow=True)
    assert "Vous êtes inscrit·e à cette rencontre." in response.content.decode()
    assert "Votre inscription : <strong>Inscrit</strong>" in response.content.decode()


def test_full_meeting_puts_on_the_waiting_list(world, login):
    meeting = make_meeting(world, capacity=1)
    services.register(meeting, member(world, "chef"), None)
    response = login(world.users["lecteur"]).post(reverse("network:meeting_register", args=[meeting.pk]))
    assert _messages(response) == ["La rencontre est complète : vous êtes sur la liste d'attente."]
    assert Registration.objects.get(member=member(world, "lecteur")).status == "attente"


def test_double_registration_shows_a_french_error(world, login):
    meeting = make_meeting(world)
    client = login(world.users["chef"])
    client.post(reverse("network:meeting_register", args=[meeting.pk]))
    response = client.post(reverse("network:meeting_register", args=[meeting.pk]))
    assert "est déjà inscrit·e à cette rencontre" in _messages(response)[-1]
    assert meeting.registrations.count() == 1


def test_past_meeting_registration_is_refused(world, login):
    meeting = make_meeting(world, days=-2)
    response = login(world.users["chef"]).post(reverse("network:meeting_register", args=[meeting.pk]))
    assert _messages(response) == ["Cette rencontre a déjà eu lieu : les inscriptions sont closes."]
    assert not meeting.registrations.exists()


def test_admin_who_is_not_a_member_cannot_register_himself(world, login):
    meeting = make_meeting(world)
    response = login(world.users["admin"]).post(reverse("network:meeting_register", args=[meeting.pk]))
    assert _messages(response) == ["Seuls les membres du réseau peuvent s'inscrire à cette rencontre."]


def test_unregister_promotes_the_waiting_list(world, login):
    meeting = make_meeting(world, capacity=1)
    services.register(meeting, member(world, "chef"), None)
    services.register(meeting, member(world, "lecteur"), None)
    login(world.users["chef"]).post(reverse("network:meeting_unregister", args=[meeting.pk]))
    assert Registration.objects.get(member=member(world, "lecteur")).status == "inscrit"


def _other_chef_of_calais(world):
    # A chef de projet of this territory who is not a member: manages the network, no contact details.
    return MembershipFactory(
        organisation=OrganisationFactory(name="Ville de Calais (test)", kind="commune"),
        role="chef_de_projet",
        scope_level="commune",
        scope_code="62193",
    ).user


def test_contact_details_are_shown_to_members_only(world, login):
    make_network(world)
    url = reverse("network:directory", args=[SLUG])
    for role in ("lecteur", "chef", "admin"):
        assert "chef@exemple.test" in login(world.users[role]).get(url).content.decode(), role
    page = login(_other_chef_of_calais(world)).get(url).content.decode()
    assert page.count("Cheffe de projet politique de la ville") == 1
    assert "chef@exemple.test" not in page and "03 21 00 00 00" not in page
    assert "ne sont visibles que des membres" in page


def test_directory_filters(world, login):
    network = make_network(world)
    NetworkMember.objects.create(network=network, full_name="Sans organisation", commune=world.calais)
    client = login(world.users["chef"])
    url = reverse("network:directory", args=[SLUG])

    def names(query):
        return [m.full_name for m in client.get(url + query).context["members"]]

    assert len(names("")) == 4
    assert names("?type=bailleur") == [member(world, "partenaire").full_name]
    assert names("?fonction=gup") == [member(world, "partenaire").full_name]
    assert names("?territoire=commune:62193") == ["Sans organisation"]
    assert len(names("?territoire=epci:200090751")) == 4
    assert names("?q=sans orga") == ["Sans organisation"]
    assert len(names("?territoire=inconnu")) == 4  # an unknown choice is ignored, not an error page


def test_meeting_form_rejects_an_end_before_the_start(world, login):
    make_network(world)
    response = login(world.users["animateur"]).post(
        reverse("network:meeting_create", args=[SLUG]),
        {"title": "Rencontre", "starts_at": "2030-01-25T14:00", "ends_at": "2030-01-25T09:00", "place": "Calais"},
    )
    assert response.status_code == 200
    assert "La fin doit être postérieure au début." in response.content.decode()
    assert not Meeting.objects.exists()


def test_capacity_below_confirmed_registrations_is_refused(world, login):
    meeting = make_meeting(world)
    services.register(meeting, member(world, "chef"), None)
    services.register(meeting, member(world, "lecteur"), None)
    response = login(world.users["animateur"]).post(
        reverse("network:meeting_edit", args=[meeting.pk]),
        {"title": "Rencontre", "starts_at": "2030-01-25T14:00", "place": "Calais", "capacity": "1"},
    )
    assert "Déjà 2 inscrits" in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.capacity is None


def test_agenda_item_with_themes_territories_and_links(world, login):
    meeting = make_meeting(world)
    client = login(world.users["animateur"])
    url = reverse("network:agenda_add", args=[meeting.pk])
    bad = client.post(url, {"title": "NPNRU", "links": "pas une adresse"})
    assert "Ligne 1 : écrivez « adresse | libellé »" in bad.content.decode()
    assert not AgendaItem.objects.exists()
    client.post(
        url,
        {
            "title": "Le NPNRU",
            "themes": ["npnru", "etat-des-lieux-qpv"],
            "communes": [world.calais.pk],
            "qpvs": [world.qpv.pk],
            "contrats": [world.contrat.pk],
            "links": "/npnru/ | Projet de renouvellement urbain de Calais",
        },
    )
    item = AgendaItem.objects.get()
    assert sorted(item.themes.values_list("slug", flat=True)) == ["etat-des-lieux-qpv", "npnru"]
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert "QN06253M" in page and "CN06207M" in page
    assert 'href="/npnru/"' in page


def test_a_qpv_of_another_territory_cannot_be_linked(world, login):
    meeting = make_meeting(world)
    response = login(world.users["animateur"]).post(
        reverse("network:agenda_add", args=[meeting.pk]), {"title": "QPV", "qpvs": [world.qpv_dunkerque.pk]}
    )
    assert response.status_code == 200
    assert not AgendaItem.objects.exists()


def test_attendance_sheet_and_its_exports(world, login):
    meeting = make_meeting(world, days=-1)
    chef_registration = Registration.objects.create(meeting=meeting, member=member(world, "chef"))
    Registration.objects.create(meeting=meeting, member=member(world, "lecteur"))
    client = login(world.users["animateur"])
    url = reverse("network:attendance", args=[meeting.pk])
    response = client.post(url, {f"presence-{chef_registration.pk}": "present"})
    assert response.status_code == 302
    chef_registration.refresh_from_db()
    assert chef_registration.attendance == "present"
    bad = client.post(url, {"presence-999999": "present"})
    assert "ne correspond à aucune inscription" in _messages(bad)[-1]
    csv = client.get(url + "?format=csv").content.decode("utf-8")
    assert csv.startswith("\ufeffNom;Organisation;Fonction;Territoire;Inscription;Émargement")
    assert "Cheffe de projet politique de la ville;CA Grand Calais Terres et Mers;Inscrit;Présent (a signé)" in csv
    xlsx = client.get(url + "?format=xlsx")
    assert zipfile.is_zipfile(io.BytesIO(xlsx.content))
    assert client.get(url + "?format=pdf").status_code == 400


def test_minutes(world, login):
    meeting = make_meeting(world, days=-1)
    login(world.users["animateur"]).post(reverse("network:minutes", args=[meeting.pk]), {"minutes": "Échanges riches."})
    meeting.refresh_from_db()
    assert meeting.minutes == "Échanges riches." and meeting.minutes_updated_at


def _upload(client, meeting, name, content):
    return client.post(
        reverse("network:attachment_add", args=[meeting.pk]),
        {"title": "", "file": SimpleUploadedFile(name, content, content_type="application/pdf")},
    )


def test_attachment_type_is_checked_on_content(world, login, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    meeting = make_meeting(world)
    client = login(world.users["animateur"])
    response = _upload(client, meeting, "faux.pdf", b"<html>pas un PDF</html>")
    assert "Type de fichier refusé" in response.content.decode()
    assert not MeetingAttachment.objects.exists()
    assert not any(tmp_path.rglob("*.*")) and not [p for p in tmp_path.rglob("*") if p.is_file()]
    ok = _upload(client, meeting, "actu.pdf", b"%PDF-1.4\n%contenu\n")
    assert ok.status_code == 302
    attachment = MeetingAttachment.objects.get()
    assert (attachment.content_type, attachment.title, attachment.size) == ("application/pdf", "actu.pdf", 18)
    download = login(world.users["lecteur"]).get(reverse("network:attachment_download", args=[attachment.pk]))
    assert download.content == b"%PDF-1.4\n%contenu\n"
    assert 'filename="actu.pdf"' in download["Content-Disposition"]


def test_office_files_are_recognised_and_size_is_limited(world, login, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    meeting = make_meeting(world)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    client = login(world.users["animateur"])
    assert _upload(client, meeting, "cr.docx", buffer.getvalue()).status_code == 302
    assert MeetingAttachment.objects.get().content_type.endswith("wordprocessingml.document")
    assert filetypes.max_size("piece_jointe") == 10 * filetypes.MB
    settings.UPLOAD_MAX_ATTACHMENT_MB = 1  # the limit of core.filetypes.LIMITS, as a deployment sets it
    response = _upload(client, meeting, "gros.pdf", b"%PDF-1.4\n" + b"x" * filetypes.MB)
    assert "« gros.pdf » pèse 1,0" in response.content.decode()
    assert "la taille maximale est de 1,0" in response.content.decode()
    assert MeetingAttachment.objects.count() == 1


def test_wrong_calendar_token_gives_a_french_error(client, world):
    response = client.get(reverse("network:feed", args=["mauvais"]))
    assert response.status_code == 404
    assert "Lien d'agenda inconnu ou révoqué" in response.content.decode()


def test_inactive_member_calendar_token_is_revoked(client, world):
    chef = member(world, "chef")
    chef.active = False
    chef.save()
    assert client.get(reverse("network:feed", args=[chef.calendar_token])).status_code == 404


def test_meeting_page_includes_the_resources_block_only_when_it_exists(world, login, settings, tmp_path):
    meeting = make_meeting(world)
    client = login(world.users["chef"])
    assert client.get(meeting.get_absolute_url()).status_code == 200
    (tmp_path / "resources").mkdir()
    (tmp_path / "resources" / "_meeting_documents.html").write_text("<p>Documents de {{ meeting.title }}</p>")
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path]}]
    assert "Documents de Rencontre de test" in client.get(meeting.get_absolute_url()).content.decode()


def test_propose_axis_from_a_meeting(world, login):
    meeting = make_meeting(world, days=-1)
    client = login(world.users["lecteur"])
    response = client.post(
        reverse("network:axis_create", args=[SLUG]), {"title": "Partager les diagnostics", "meeting": meeting.pk}
    )
    axis = meeting.axes.get()
    assert response["Location"] == axis.get_absolute_url()
    assert axis.proposed_by == member(world, "lecteur")
    client.post(reverse("network:axis_support", args=[axis.pk]))
    response = client.post(reverse("network:axis_support", args=[axis.pk]))
    assert _messages(response)[-1] == "Vous soutenez déjà cet axe : un seul soutien par membre."
    assert axis.supports.count() == 1


def test_axis_status_change_through_the_page(world, login):
    axis = services.propose_axis(make_network(world), None, "Axe")
    client = login(world.users["animateur"])
    response = client.post(reverse("network:axis_status", args=[axis.pk]), {"status": "atteint"})
    assert "ne peut pas passer à « Atteint »" in _messages(response)[0]
    client.post(reverse("network:axis_status", args=[axis.pk]), {"status": "retenu"})
    axis.refresh_from_db()
    assert axis.status == "retenu"


def test_network_page_shows_the_ranking(world, login):
    network = make_network(world)
    first = services.propose_axis(network, None, "Axe très soutenu")
    services.propose_axis(network, None, "Axe sans soutien")
    services.support(first, member(world, "chef"), None)
    page = login(world.users["chef"]).get(network.get_absolute_url()).content.decode()
    assert page.index("Axe très soutenu") < page.index("Axe sans soutien")
    assert "1 soutien" in page


def test_member_add_links_an_account(world, login):
    network = make_network(world)
    client = login(world.users["animateur"])
    url = reverse("network:member_add", args=[SLUG])
    bad = client.post(url, {"full_name": "X", "account_email": "inconnu@exemple.test"})
    assert bad.context["form"].errors["account_email"] == ["Aucun compte n'a cette adresse e-mail."]
    dup = client.post(url, {"full_name": "X", "account_email": world.users["lecteur"].email})
    assert dup.context["form"].errors["account_email"] == ["Ce compte est déjà membre du réseau."]
    assert network.members.count() == 3
    client.post(url, {"full_name": "Autre chef", "account_email": world.users["autre_chef"].email})
    assert network.members.filter(user=world.users["autre_chef"]).exists()
    assert login(world.users["autre_chef"]).get(network.get_absolute_url()).status_code == 200


def test_upcoming_and_past_lists(world, login):
    make_meeting(world, days=5, title="À venir")
    make_meeting(world, days=-5, title="Passée")
    response = login(world.users["chef"]).get(reverse("network:meeting_list", args=[SLUG]))
    assert [m.title for m in response.context["upcoming"]] == ["À venir"]
    assert [m.title for m in response.context["past"]] == ["Passée"]
    assert timezone.now() - timedelta(days=6) < response.context["past"][0].starts_at


def test_directory_export_has_contacts_for_members_only(world, login):
    make_network(world)
    url = reverse("network:directory", args=[SLUG]) + "?type=bailleur&format=csv"
    csv = login(world.users["chef"]).get(url).content.decode("utf-8")
    lines = csv.strip().splitlines()
    assert lines[0] == "\ufeffNom;Organisation;Type d'organisation;Fonction;Territoire;E-mail;Téléphone"
    assert len(lines) == 2 and "partenaire@exemple.test" in lines[1]
    hidden = login(_other_chef_of_calais(world)).get(url).content.decode("utf-8")
    assert "E-mail" not in hidden and "partenaire@exemple.test" not in hidden
    assert login(world.users["chef"]).get(url.replace("csv", "odt")).status_code == 400


def test_meeting_list_export(world, login):
    meeting = make_meeting(world, capacity=10, title="=Rencontre piégée")
    services.register(meeting, member(world, "chef"), None)
    csv = login(world.users["chef"]).get(reverse("network:meeting_list", args=[SLUG]) + "?format=csv")
    text = csv.content.decode("utf-8")
    assert "'=Rencontre piégée;Calais;IREV (test);1;0;10" in text


def test_organiser_registers_a_member_without_account_even_after_the_date(world, login):
    meeting = make_meeting(world, days=-1, registrations_open=False)
    without_account = NetworkMember.objects.create(network=make_network(world), full_name="Sans compte")
    client = login(world.users["animateur"])
    client.post(reverse("network:registration_add", args=[meeting.pk]), {"member": without_account.pk})
    assert meeting.registrations.get().member == without_account
    response = client.post(reverse("network:registration_add", args=[meeting.pk]), {"member": "999999"})
    assert _messages(response)[-1] == "Seuls les membres du réseau peuvent s'inscrire à cette rencontre."
    assert meeting.registrations.count() == 1


def test_organiser_cancels_a_registration_and_the_waiting_list_moves_up(world, login):
    meeting = make_meeting(world, capacity=1)
    seated = services.register(meeting, member(world, "chef"), None)
    services.register(meeting, member(world, "lecteur"), None)
    response = login(world.users["animateur"]).post(reverse("network:registration_cancel", args=[seated.pk]))
    assert "passe de la liste d'attente aux inscrits" in _messages(response)[-1]
    assert meeting.registrations.get(status="inscrit").member == member(world, "lecteur")


def test_a_signed_registration_cannot_be_cancelled(world):
    meeting = make_meeting(world)
    registration = services.register(meeting, member(world, "chef"), None)
    services.set_attendance(meeting, {registration.pk: "present"}, None)
    registration.refresh_from_db()
    with pytest.raises(services.NetworkError, match="émargement"):
        services.cancel(registration, None)


def test_meetings_filtered_by_theme(world, login):
    npnru = make_meeting(world, days=3, title="Sur le NPNRU")
    make_meeting(world, days=4, title="Sur la GUP")
    services.add_agenda_item(npnru, None, "Le NPNRU", themes=["npnru"])
    services.add_agenda_item(npnru, None, "Encore le NPNRU", themes=["npnru", "gup"])
    client = login(world.users["chef"])
    url = reverse("network:meeting_list", args=[SLUG])
    response = client.get(url + "?theme=npnru")
    assert [m.title for m in response.context["upcoming"]] == ["Sur le NPNRU"]
    assert len(client.get(url + "?theme=inconnu").context["upcoming"]) == 2
    assert "Sur la GUP" not in client.get(url + "?theme=npnru&format=csv").content.decode()


@pytest.mark.django_db
def test_qpv_fiche_links_to_meetings_about_it(world, login):
    meeting = make_meeting(world, title="Rencontre sur Beau Marais")
    item = AgendaItem.objects.create(meeting=meeting, title="État des lieux du QPV")
    item.qpvs.add(world.qpv_beau_marais)
    url = reverse("territories:qpv_detail", args=[world.qpv_beau_marais.code])
    assert "Rencontre sur Beau Marais" in login(world.users["lecteur"]).get(url).content.decode()
    assert "Rencontre sur Beau Marais" not in login(world.users["autre_chef"]).get(url).content.decode()
    assert "Rencontre sur Beau Marais" not in login(None).get(url).content.decode()
