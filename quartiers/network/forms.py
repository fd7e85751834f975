from django import forms
from django.db.models import Q
from django.utils import timezone

from quartiers.accounts.models import Organisation, User
from quartiers.core import filetypes
from quartiers.network.models import Meeting, NetworkMember, PriorityAxis, Registration, Theme
from quartiers.territories.models import QPV, ContratDeVille

DATETIME_INPUT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


def territory_choices(network):
    choices = [("", "Tous les territoires")]
    choices += [(f"epci:{e.siren}", e.nom) for e in network.epcis.all()]
    choices += [(f"commune:{c.insee}", c.nom) for c in network.communes.all()]
    return choices


class DirectoryFilterForm(forms.Form):
    q = forms.CharField(label="Recherche", required=False, max_length=100)
    territoire = forms.ChoiceField(label="Territoire", required=False)
    type = forms.ChoiceField(
        label="Type d'organisation", required=False, choices=[("", "Tous les types"), *Organisation.Kind.choices]
    )
    fonction = forms.CharField(label="Fonction", required=False, max_length=100)

    def __init__(self, *args, network, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["territoire"].choices = territory_choices(network)

    def filter(self, members):
        if not self.is_valid():
            return members
        data = self.cleaned_data
        if data["q"]:
            q = data["q"]
            members = members.filter(
                Q(full_name__icontains=q) | Q(organisation__name__icontains=q) | Q(function__icontains=q)
            )
        if data["territoire"]:
            level, code = data["territoire"].split(":", 1)
            if level == "epci":
                members = members.filter(Q(epci_id=code) | Q(commune__epci_id=code))
            else:
                members = members.filter(commune_id=code)
        if data["type"]:
            members = members.filter(organisation__kind=data["type"])
        if data["fonction"]:
            members = members.filter(function__icontains=data["fonction"])
        return members


class MemberForm(forms.ModelForm):
    account_email = forms.EmailField(
        label="Compte Quartiers (adresse e-mail)",
        required=False,
        help_text="Facultatif : relie le membre à son compte, s'il en a un.",
    )

    class Meta:
        model = NetworkMember
        fields = ["full_name", "organisation", "function", "commune", "epci", "email", "phone", "is_animator"]

    def __init__(self, *args, network, **kwargs):
        super().__init__(*args, **kwargs)
        self.network = network
        self.fields["commune"].queryset = network.communes.all()
        self.fields["epci"].queryset = network.epcis.all()
        self.fields["commune"].label = "Commune"
        self.fields["epci"].label = "EPCI"

    def clean_account_email(self):
        email = self.cleaned_data["account_email"].lower()
        if not email:
            return None
        user = User.objects.filter(email=email).first()
        if user is None:
            raise forms.ValidationError("Aucun compte n'a cette adresse e-mail.")
        if self.network.members.filter(user=user).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError("Ce compte est déjà membre du réseau.")
        return user


class MeetingForm(forms.ModelForm):
    class Meta:
        model = Meeting
        fields = [
            "title",
            "starts_at",
            "ends_at",
            "place",
            "address",
            "organiser",
            "description",
            "capacity",
            "registrations_open",
        ]
        widgets = {
            "starts_at": DATETIME_INPUT,
            "ends_at": DATETIME_INPUT,
            "description": forms.Textarea(attrs={"rows": 4}),
        }

    def clean(self):
        data = super().clean()
        starts, ends = data.get("starts_at"), data.get("ends_at")
        if starts and ends and ends <= starts:
            self.add_error("ends_at", "La fin doit être postérieure au début.")
        capacity = data.get("capacity")
        if capacity is not None and self.instance.pk:
            confirmed = self.instance.registrations.filter(status=Registration.Status.CONFIRMED).count()
            if capacity < confirmed:
                self.add_error("capacity", f"Déjà {confirmed} inscrits : la capacité ne peut pas être inférieure.")
        return data


class AgendaItemForm(forms.Form):
    title = forms.CharField(label="Intitulé", max_length=300)
    description = forms.CharField(label="Description", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    themes = forms.ModelMultipleChoiceField(
        label="Thèmes", queryset=Theme.objects.all(), required=False, widget=forms.CheckboxSelectMultiple
    )
    communes = forms.ModelMultipleChoiceField(label="Communes", queryset=None, required=False)
    qpvs = forms.ModelMultipleChoiceField(label="Quartiers prioritaires (QPV)", queryset=None, required=False)
    contrats = forms.ModelMultipleChoiceField(label="Contrats de ville", queryset=None, required=False)
    links = forms.CharField(
        label="Liens vers d'autres modules",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Une ligne par lien : adresse | libellé (ex. /contrats/12/ | Contrat de ville de Calais).",
    )

    def __init__(self, *args, network, **kwargs):
        super().__init__(*args, **kwargs)
        communes = network.communes.all()
        self.fields["communes"].queryset = communes
        self.fields["qpvs"].queryset = QPV.objects.filter(communes__in=communes, generation=2024).distinct()
        self.fields["contrats"].queryset = ContratDeVille.objects.filter(
            Q(epci__in=network.epcis.all()) | Q(commune__in=communes)
        ).distinct()

    def clean_links(self):
        links = []
        for number, line in enumerate(self.cleaned_data["links"].splitlines(), start=1):
            if not line.strip():
                continue
            url, sep, label = line.partition("|")
            url, label = url.strip(), label.strip()
            if not sep or not label or not (url.startswith("/") or url.startswith("https://")):
                raise forms.ValidationError(
                    f"Ligne {number} : écrivez « adresse | libellé », l'adresse commençant par / ou https://."
                )
            links.append((url[:500], label[:250]))
        return links


class MinutesForm(forms.Form):
    minutes = forms.CharField(
        label="Compte rendu",
        required=False,
        widget=forms.Textarea(attrs={"rows": 16}),
        help_text="Mise en forme simple : une ligne « - » par puce (décalée pour une sous-puce), « 1. » pour une liste "
        "numérotée, **gras**, *italique*, « # » pour un intertitre, une ligne vide entre deux paragraphes.",
    )


class AttachmentForm(forms.Form):
    title = forms.CharField(label="Titre", max_length=250, required=False)
    file = forms.FileField(
        label=f"Fichier (PDF, Office, OpenDocument ou image ; {filetypes.limit_text('piece_jointe')} au plus)"
    )


class AxisForm(forms.ModelForm):
    class Meta:
        model = PriorityAxis
        fields = ["title", "description", "meeting"]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, network, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["meeting"].queryset = network.meetings.all()
        self.fields["meeting"].required = False


class StatusForm(forms.Form):
    status = forms.ChoiceField(label="Nouveau statut", choices=PriorityAxis.Status.choices)


class GroupMemberForm(forms.Form):
    member = forms.ModelChoiceField(label="Membre", queryset=None)
    is_lead = forms.BooleanField(label="Pilote du groupe", required=False)

    def __init__(self, *args, network, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = network.members.active()


class NoteForm(forms.Form):
    date = forms.DateField(label="Date", widget=forms.DateInput(attrs={"type": "date"}), initial=timezone.localdate)
    text = forms.CharField(label="Note de suivi", widget=forms.Textarea(attrs={"rows": 3}), max_length=5000)


class InviteForm(forms.Form):
    members = forms.ModelMultipleChoiceField(
        label="Membres à inviter", queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )
    all_members = forms.BooleanField(label="Inviter tous les membres actifs", required=False)

    def __init__(self, *args, network, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["members"].queryset = network.members.active()

    def clean(self):
        data = super().clean()
        if not data.get("all_members") and not data.get("members"):
            raise forms.ValidationError("Choisissez au moins un membre, ou « tous les membres ».")
        return data


class MemberImportForm(forms.Form):
    file = forms.FileField(
        label="Fichier des membres",
        help_text="CSV (séparateur « ; », UTF-8 ou Windows) ou classeur Excel .xlsx ; colonnes : nom, prénom, "
        f"e-mail, organisation, fonction, commune ou code INSEE, téléphone. {filetypes.limit_text('membres')} au plus.",
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = filetypes.max_size("membres")  # the one table of upload limits
        if upload.size > limit:
            raise forms.ValidationError(
                f"Le fichier dépasse {filetypes.limit_text('membres')} : découpez-le en plusieurs imports."
            )
        return upload
