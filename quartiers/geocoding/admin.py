from django.contrib import admin

from .models import BanDepartement


@admin.register(BanDepartement)
class BanDepartementAdmin(admin.ModelAdmin):
    list_display = ("code", "address_count", "street_count", "commune_count", "source", "imported_at")
    readonly_fields = ("code", "source", "imported_at", "address_count", "street_count", "commune_count")
    exclude = ("data", "format_version")

    def has_add_permission(self, request):
        return False  # imports go through `quartiers import-ban`
