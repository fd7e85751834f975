import re

from django import forms
from django.core.exceptions import ValidationError
from django.db import models

from quartiers.accounts.models import Organisation
from quartiers.core import filetypes
from quartiers.core.permissions import CHEF, PARTNER, can, is_admin, organisation_ids, scope_keys
from quartiers.resources.models import DigestItem, Document, Theme
from quartiers.territories.models import EPCI, QPV, Commune

CODE_SPLIT = re.compile(r"[\s,;]+")
ITEM_SPLIT = re.compile(r"[,;\n]+")
CODE = re.compile(r"^(\d[\dAB]\d{3}|\d{9}|Q[A-Z0-9]{5,9})$", re.I)


def _split_names(raw):
    """Codes (« 62193 200090751 » may be separated by spaces) and names (« Calais (62) », which have spaces)."""
    codes, names = [], []
    for item in ITEM_SPLIT.split(raw or ""):
        words = item.split()
        if all(CODE.match(w) for w in words):
            codes += [w.upper() for w in words]
        elif item.strip():
            names.append(" ".join(words))
    return codes, names


def _resolve_names(names):
    """Communes, EPCI or quartiers typed by name → (communes, epcis, qpvs, unknown names)."""
    from quartiers.territories.pickers import resolve_territory

    communes, epcis, qpvs, unknown = [], [], [], []
    for name in names:
        found, _error = resolve_territory(name)
        qpv = None if found else QPV.objects.filter(nom__iexact=name).select_related("departement").first()
        if isinstance(found, EPCI):
            epcis.append(found)
        elif found is not None:
            communes.append(found)
        elif qpv is not None:
            qpvs.append(qpv)
        else:
            unknown.append(name)
    return communes, epcis, qpvs, unknown


def resolve_territories(raw):
    """« 62193, CA Grand Calais Terres et Mers, QN06253M » → (communes, epcis, qpvs): codes or names; what is
    unknown raises a French error."""
    codes, names = _split_names(raw)
    communes, epcis, qpvs, unknown = _resolve_names(names)
    found_communes = {c.insee: c for c in Commune.objects.filter(insee__in=codes).select_related("departement")}
    found_epcis = {e.siren: e for e in EPCI.objects.filter(siren__in=codes)}
    found_qpvs = {q.code: q for q in QPV.objects.filter(code__in=codes).select_related("departement")}
    for code in dict.fromkeys(codes):
        if code in found_communes:
            communes.append(found_communes[code])
        elif code in found_epcis:
            epcis.append(found_epcis[code])
        elif code in found_qpvs:
            qpvs.append(found_qpvs[code])
        else:
            unknown.append(code)
    if unknown:
        raise ValidationError(
            "Territoire(s) inconnu(s) : %(codes)s. Indiquez le nom d'une commune (« Calais (62) »), d'une "
            "intercommunalité ou d'un quartier, ou son code.",
            params={"codes": ", ".join(unknown)},
        )
    return communes, epcis, qpvs


def territory_label(key):
    """« qpv:QN06253M » → « Fort Nieulay (QPV QN06253M) », or None when no such territory exists."""
    level, _sep, code = (key or "").partition(":")
    found = {
        "commune": lambda: Commune.objects.filter(insee=code).values_list("nom", flat=True).first(),
        "epci": lambda: EPCI.objects.filter(siren=code).values_list("nom", flat=True).first(),
        "qpv": lambda: QPV.objects.filter(code=code).values_list("nom", flat=True).first(),
    }.get(level, lambda: None)()
    if not found:
        return None
    return {"commune": f"{found} (commune)", "epci": f"{found} (EPCI)", "qpv": f"{found} (QPV {code})"}[level]


SCOPE_CHOICES_MAX = 400  # a département's scope would list ~900 communes: codes are typed instead


def scope_territory_choices(user):
    """Grouped choices (Communes / EPCI / QPV) of the territories a contributor may publish for.

    From their EPCI, commune and QPV scope keys (a département or région scope is too large for a list:
    its codes are typed). Three queries."""
    keys = scope_keys(user, (CHEF, PARTNER)) if not is_admin(user) else set()
    codes = {
        level: {k.split(":", 1)[1] for k in keys if k.startswith(level + ":")} for level in ("epci", "commune", "qpv")
    }
    if not any(codes.values()):
        return []
    communes = Commune.objects.filter(models.Q(insee__in=codes["commune"]) | models.Q(epci_id__in=codes["epci"]))
    epcis = EPCI.objects.filter(siren__in=codes["epci"])
    qpvs = QPV.objects.filter(
        models.Q(code__in=codes["qpv"])
        | models.Q(epci_id__in=codes["epci"])
        | models.Q(communes__insee__in=codes["commune"])
    ).distinct()
    groups = [
        ("Communes", [(c.insee, f"{c.nom} ({c.insee})") for c in communes.order_by("nom")[:SCOPE_CHOICES_MAX]]),
        ("EPCI", [(e.siren, e.nom) for e in epcis.order_by("nom")]),
        ("Quartiers prioritaires", [(q.code, f"{q.nom} ({q.code})") for q in qpvs.order_by("nom")[:SCOPE_CHOICES_MAX]]),
    ]
    return [(label, options) for label, options in groups if options]


class DocumentForm(forms.ModelForm):
    territory_choices = forms.MultipleChoiceField(
        label="Territoires de votre périmètre",
        required=False,
        help_text="Plusieurs choix possibles (Ctrl ou Maj + clic, ou barre d'espace au clavier).",
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    territories = forms.CharField(
        label="Autres territoires",
        required=False,
        help_text="Noms de communes, d'intercommunalités ou de quartiers (ou leurs codes), séparés par des virgules "
        "(ex. : Calais (62), CA Grand Calais Terres et Mers, Beau Marais).",
    )
    attachment = forms.FileField(
        label="Pièce jointe",
        required=False,
        help_text=f"{filetypes.ACCEPTED}, {filetypes.limit_text('document')} au plus ; le format est vérifié sur le "
        "contenu du fichier.",
    )

    class Meta:
        model = Document
        fields = [
            "title",
            "type",
            "date",
            "summary",
            "text",
            "themes",
            "source_url",
            "source_modified_at",
            "public",
            "author_organisation",
        ]
        widgets = {
            "date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "source_modified_at": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
            "themes": forms.CheckboxSelectMultiple,
            "summary": forms.Textarea(attrs={"rows": 4}),
            "text": forms.Textarea(attrs={"rows": 10}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["themes"].queryset = Theme.objects.all()
        orgs = Organisation.objects.all()
        if not is_admin(user):
            orgs = orgs.filter(pk__in=organisation_ids(user, (CHEF, PARTNER)))
        self.fields["author_organisation"].queryset = orgs
        choices = scope_territory_choices(user)
        if choices:
            self.fields["territory_choices"].choices = choices
        else:
            del self.fields["territory_choices"]  # nothing to pick from (admins, large scopes): codes only
        if self.instance.pk:
            codes = [c.insee for c in self.instance.communes.all()]
            codes += [e.siren for e in self.instance.epcis.all()]
            codes += [q.code for q in self.instance.qpvs.all()]
            listed = {value for _group, options in choices for value, _label in options}
            if choices:
                self.initial["territory_choices"] = [c for c in codes if c in listed]
            self.initial["territories"] = ", ".join(c for c in codes if c not in listed or not choices)

    def clean_territories(self):
        # Picked in the list and typed: validated together (after territory_choices, declared first).
        picked = self.cleaned_data.get("territory_choices") or []
        raw = ", ".join([*picked, self.cleaned_data["territories"]])
        communes, epcis, qpvs = resolve_territories(raw)
        if not is_admin(self.user):
            # Publishing for a territory is contributing there (territories/rules.py).
            outside = [str(t) for t in (*communes, *epcis, *qpvs) if not can(self.user, "contribute", t)]
            if outside:
                raise ValidationError(
                    "Vous ne pouvez pas publier pour ces territoires, hors de votre périmètre : %(t)s.",
                    params={"t": ", ".join(outside)},
                )
            if not (communes or epcis or qpvs):
                raise ValidationError("Indiquez au moins un territoire de votre périmètre.")
        self._territories = (communes, epcis, qpvs)
        return self.cleaned_data["territories"]

    def clean_attachment(self):
        uploaded = self.cleaned_data.get("attachment")
        if uploaded:
            self.attachment_kind = filetypes.check_upload(uploaded, purpose="document")
        return uploaded

    def _save_m2m(self):
        super()._save_m2m()
        communes, epcis, qpvs = self._territories
        self.instance.communes.set(communes)
        self.instance.epcis.set(epcis)
        self.instance.qpvs.set(qpvs)


class AttachmentForm(forms.Form):
    file = forms.FileField(
        label="Fichier", help_text=f"{filetypes.ACCEPTED}, {filetypes.limit_text('document')} au plus."
    )

    def clean_file(self):
        uploaded = self.cleaned_data["file"]
        filetypes.check_upload(uploaded, purpose="document")
        return uploaded


class SearchForm(forms.Form):
    q = forms.CharField(label="Rechercher", required=False, max_length=200)
    type = forms.ChoiceField(label="Type", required=False, choices=[("", "Tous les types"), *Document.Type.choices])
    theme = forms.ChoiceField(label="Thème", required=False)
    territoire = forms.ChoiceField(label="Territoire", required=False)
    du = forms.DateField(label="Du", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    au = forms.DateField(label="Au", required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, themes, territories, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["theme"].choices = [("", "Tous les thèmes"), *((t.slug, t.name) for t in themes)]
        choices = [("", "Tous les territoires"), *territories]
        wanted = self.data.get("territoire") if self.is_bound else None
        if wanted and wanted not in dict(choices):
            # A link from elsewhere (the QPV fiche) may name a territory without documents of its own.
            label = territory_label(wanted)
            if label:
                choices.append((wanted, label))
        self.fields["territoire"].choices = choices

    def clean(self):
        data = super().clean()
        if data.get("du") and data.get("au") and data["du"] > data["au"]:
            raise ValidationError("La date de début doit précéder la date de fin.")
        return data


class DigestItemForm(forms.ModelForm):
    document_ids = forms.CharField(
        label="Documents liés", required=False, help_text="Numéros des documents, séparés par des virgules."
    )

    class Meta:
        model = DigestItem
        fields = ["date", "title", "text"]
        widgets = {"date": forms.DateInput(attrs={"type": "date"}), "text": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, digest, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.digest = digest
        self.user = user
        self.instance.digest = digest

    def clean(self):
        data = super().clean()
        if data.get("date") and data.get("title"):
            if DigestItem.objects.filter(digest=self.digest, date=data["date"], title=data["title"]).exists():
                raise ValidationError("Cette brève existe déjà à cette date dans ce point d'actualité.")
        return data

    def clean_document_ids(self):
        ids = [c for c in CODE_SPLIT.split(self.cleaned_data["document_ids"] or "") if c]
        if any(not i.isdigit() for i in ids):
            raise ValidationError("Indiquez des numéros de documents (chiffres), séparés par des virgules.")
        docs = list(Document.objects.visible_to(self.user).filter(pk__in=ids))
        missing = sorted(set(ids) - {str(d.pk) for d in docs})
        if missing:
            raise ValidationError("Documents introuvables : %(ids)s.", params={"ids": ", ".join(missing)})
        self.documents = docs
        return self.cleaned_data["document_ids"]
