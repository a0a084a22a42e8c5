from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from .models import User


@admin.register(User)
class MaillageUserAdmin(UserAdmin):
    fieldsets = (
        *UserAdmin.fieldsets,
        ("Périmètre", {"fields": ("organisation", "departements")}),
    )
    filter_horizontal = ("groups", "user_permissions", "departements")
    list_display = ("username", "email", "first_name", "last_name", "organisation", "is_staff")
