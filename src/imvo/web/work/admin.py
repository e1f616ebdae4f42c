from django.contrib import admin

from imvo.web.work.models import Work


@admin.register(Work)
class WorkAdmin(admin.ModelAdmin[Work]):
    list_display = ["pk", "kind", "subject", "status", "attempts", "done", "total", "created_at"]
    list_filter = ["kind", "status"]
    readonly_fields = [field.name for field in Work._meta.fields]

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False
