from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Prefetch
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import content_disposition_header, url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST, require_safe

from quartiers.core.permissions import authorize, can, view_public
from quartiers.resources import listing, services
from quartiers.resources.forms import AttachmentForm, DigestItemForm, DocumentForm, SearchForm
from quartiers.resources.models import Attachment, Digest, Document, Favourite, Theme

PAGE_SIZE = listing.PAGE_SIZE


def _visible_document(request, pk):
    doc = get_object_or_404(Document.objects.select_related("author_organisation"), pk=pk)
    authorize(request.user, "view", doc)
    return doc


def _authorize_change(user, doc):
    # Chefs de projet of the territory or of the author organisation, the author, admins (resources/rules.py).
    authorize(user, "change", doc)


def _favourite_ids(user, docs):
    if not user.is_authenticated:
        return set()
    # A list of ids, not a subquery: a search queryset's raw SQL names its tables and cannot be nested.
    ids = [d.pk for d in docs]
    return set(Favourite.objects.filter(user=user, document_id__in=ids).values_list("document_id", flat=True))


def filtered_documents(user, form):
    docs = Document.objects.visible_to(user)
    if not form.is_valid():
        return docs.none() if form.errors else docs
    data = form.cleaned_data
    if data.get("type"):
        docs = docs.filter(type=data["type"])
    if data.get("theme"):
        docs = docs.filter(pk__in=Document.objects.filter(themes__slug=data["theme"]).values("pk"))
    if data.get("territoire"):
        docs = docs.for_territory(data["territoire"])
    if data.get("du"):
        docs = docs.filter(date__gte=data["du"])
    if data.get("au"):
        docs = docs.filter(date__lte=data["au"])
    if data.get("q"):
        docs = docs.search(data["q"])
    return docs


@require_safe
@view_public
def index(request):
    library = listing.version()
    themes, territories = listing.filter_choices(library)
    form = SearchForm(request.GET or None, themes=themes, territories=territories)
    docs = filtered_documents(request.user, form)
    docs = docs.defer("text", "extracted_text").select_related("author_organisation")
    page = listing.results_page(docs, request.GET.get("page"), themes, library)
    documents = page.object_list
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "documents": documents,
        "favourite_ids": _favourite_ids(request.user, documents),
        "query_string": query.urlencode(),
        "library_version": library,
        "searching": bool(form.is_valid() and form.cleaned_data.get("q")),
        "can_contribute": can(request.user, "contribute", None),
    }
    return render(request, "resources/index.html", context)


@require_safe
@view_public
def document(request, pk):
    doc = _visible_document(request, pk)
    context = {
        "doc": doc,
        "attachments": list(doc.attachments.all()),
        "themes": list(doc.themes.all()),
        "communes": list(doc.communes.all()),
        "epcis": list(doc.epcis.all()),
        "qpvs": list(doc.qpvs.all()),
        "is_favourite": _favourite_ids(request.user, [doc]) == {doc.pk},
        "can_change": can(request.user, "change", doc),
        "attachment_form": AttachmentForm(),
    }
    return render(request, "resources/document.html", context)


def document_create(request):
    authorize(request.user, "contribute", None)
    form = DocumentForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        doc = _save_with_attachment(request, form)
        if doc is not None:
            messages.success(request, "Document publié.")
            return redirect(doc)
    return render(request, "resources/document_form.html", {"form": form, "doc": None})


def _save_with_attachment(request, form):
    # Document and attachment in one transaction: a refused file leaves no document behind.
    try:
        with transaction.atomic():
            doc = services.save_document(form, request.user)
            if form.cleaned_data.get("attachment"):
                services.add_attachment(doc, form.cleaned_data["attachment"], request.user)
    except ValidationError as exc:
        form.add_error("attachment", exc)
        return None
    return doc


def document_edit(request, pk):
    doc = _visible_document(request, pk)
    _authorize_change(request.user, doc)
    form = DocumentForm(request.POST or None, request.FILES or None, instance=doc, user=request.user)
    if request.method == "POST" and form.is_valid():
        doc = _save_with_attachment(request, form)
        if doc is not None:
            messages.success(request, "Document enregistré.")
            return redirect(doc)
    return render(request, "resources/document_form.html", {"form": form, "doc": doc})


@require_POST
def document_delete(request, pk):
    doc = _visible_document(request, pk)
    _authorize_change(request.user, doc)
    services.delete_document(doc, request.user)
    messages.success(request, "Document supprimé.")
    return redirect("resources:index")


@require_POST
def attachment_add(request, pk):
    doc = _visible_document(request, pk)
    _authorize_change(request.user, doc)
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            attachment = services.add_attachment(doc, form.cleaned_data["file"], request.user)
        except ValidationError as exc:
            form.add_error("file", exc)
        else:
            messages.success(request, f"Pièce jointe « {attachment.name} » ajoutée.")
            return redirect(doc)
    return render(
        request,
        "resources/document.html",
        {
            "doc": doc,
            "attachments": list(doc.attachments.all()),
            "themes": list(doc.themes.all()),
            "communes": list(doc.communes.all()),
            "epcis": list(doc.epcis.all()),
            "qpvs": list(doc.qpvs.all()),
            "is_favourite": _favourite_ids(request.user, [doc]) == {doc.pk},
            "can_change": True,
            "attachment_form": form,
        },
        status=400,
    )


@require_POST
def attachment_delete(request, pk, attachment_pk):
    doc = _visible_document(request, pk)
    _authorize_change(request.user, doc)
    attachment = get_object_or_404(Attachment, pk=attachment_pk, document=doc)
    services.delete_attachment(attachment, request.user)
    messages.success(request, f"Pièce jointe « {attachment.name} » supprimée.")
    return redirect(doc)


@require_safe
@view_public
def download(request, pk, attachment_pk):
    doc = _visible_document(request, pk)
    attachment = get_object_or_404(Attachment, pk=attachment_pk, document=doc)
    storage = attachment.file.storage
    if not storage.exists(attachment.file.name):
        raise Http404("Fichier introuvable.")
    services.count_download(attachment)
    response = StreamingHttpResponse(_chunks(storage, attachment.file.name), content_type=attachment.mime_type)
    response["Content-Disposition"] = content_disposition_header(True, attachment.name)
    response["Content-Length"] = str(attachment.size)
    response["Cache-Control"] = "private, no-store" if not doc.public else "public, max-age=300"
    return response


def _chunks(storage, name, size=64 * 1024):
    # Opened only when the response is consumed, and closed even if the client goes away.
    with storage.open(name, "rb") as handle:
        while chunk := handle.read(size):
            yield chunk


@require_safe
@view_public
def print_view(request, pk):
    doc = _visible_document(request, pk)
    source_url = doc.source_url or request.build_absolute_uri(doc.get_absolute_url())
    context = {
        "doc": doc,
        "attachments": list(doc.attachments.all()),
        "themes": list(doc.themes.all()),
        # A page copied with its own footer (like the seed) would repeat it: ours, computed, replaces it.
        "body_text": doc.text.split("\nURL de la source")[0].rstrip(),
        "source_url": source_url,
        "source_modified_at": doc.source_modified_at or doc.updated_at,
        "links": doc.numbered_links(),
    }
    return render(request, "resources/print.html", context)


@require_POST
def favourite_toggle(request, pk):
    authorize(request.user, "view", None)  # members only: anonymous visitors go to the login page
    doc = _visible_document(request, pk)
    is_favourite = services.toggle_favourite(request.user, doc)
    if request.headers.get("HX-Request"):
        return render(request, "resources/_favourite_button.html", {"doc": doc, "is_favourite": is_favourite})
    messages.success(request, "Ajouté à vos favoris." if is_favourite else "Retiré de vos favoris.")
    next_url = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        return redirect(next_url)
    return redirect(doc)


@require_safe
def favourites(request):
    authorize(request.user, "view", None)
    favs = Favourite.objects.filter(user=request.user, document__in=Document.objects.visible_to(request.user))
    page = Paginator(favs.select_related("document", "document__author_organisation"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    documents = listing.with_themes([f.document for f in page.object_list], list(Theme.objects.all()))
    context = {"page": page, "documents": documents, "favourite_ids": {d.pk for d in documents}}
    return render(request, "resources/favourites.html", context)


@require_safe
@view_public
def digests(request):
    series = Digest.objects.visible_to(request.user)
    return render(request, "resources/digests.html", {"digests": series})


def _visible_digest(request, slug):
    digest = get_object_or_404(Digest.objects.select_related("author_organisation"), slug=slug)
    if not digest.public:
        authorize(request.user, "view", None)
    return digest


@view_public
def digest(request, slug):
    digest = _visible_digest(request, slug)
    form = None
    can_change = can(request.user, "change", digest)
    if request.method == "POST":
        if not can_change:
            authorize(request.user, "change", digest)
        form = DigestItemForm(request.POST, digest=digest, user=request.user)
        if form.is_valid():
            item = services.add_digest_item(digest, form, request.user)
            messages.success(request, f"Brève « {item.title} » ajoutée.")
            return redirect(digest)
    elif can_change:
        form = DigestItemForm(digest=digest, user=request.user)
    visible = Document.objects.visible_to(request.user)
    items = digest.items.prefetch_related(Prefetch("documents", queryset=visible.only("id", "title", "type")))
    return render(request, "resources/digest.html", {"digest": digest, "items": items, "form": form})
