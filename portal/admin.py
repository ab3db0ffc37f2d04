"""The operators' admin: people and roles, regions, the classifier and the day-off transfers."""

from __future__ import annotations

from typing import cast

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.utils.dateformat import format as date_format
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from portal import reference_data
from portal.models import (
    COMMISSION_ROLES,
    ClassifierItem,
    Region,
    Role,
    RoleAssignment,
    User,
    WorkingDayOverride,
)

admin.site.site_header = _("Social Services Portal: administration")
admin.site.site_title = _("Social Services Portal")
admin.site.index_title = _("Reference data and people")


class RoleAssignmentForm(forms.ModelForm):
    class Meta:
        model = RoleAssignment
        fields = ["user", "role", "region", "organisation_bin", "granted_at"]

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        if cleaned.get("role") in COMMISSION_ROLES and not cleaned.get("region"):
            self.add_error(
                "region",
                _("A commission member or secretary works in one region: choose the region."),
            )
        return cleaned


class RoleAssignmentInline(admin.TabularInline):
    model = RoleAssignment
    form = RoleAssignmentForm
    fields = ["role", "region", "organisation_bin", "granted_at"]
    readonly_fields = ["granted_at"]
    autocomplete_fields = ["region"]
    extra = 0


class PortalUserCreationForm(AdminUserCreationForm):
    class Meta(AdminUserCreationForm.Meta):
        model = User
        fields = ("iin", "full_name", "email")
        field_classes = {}


class PortalUserChangeForm(UserChangeForm):
    class Meta(UserChangeForm.Meta):
        model = User
        fields = "__all__"
        field_classes = {}


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    """People keyed by IIN (ID-1). Only operators may sign in with a password (ID-3)."""

    form = PortalUserChangeForm
    add_form = PortalUserCreationForm
    inlines = [RoleAssignmentInline]
    fieldsets = (
        (None, {"fields": ("iin", "password")}),
        (_("Personal info"), {"fields": ("full_name", "email", "phone", "language")}),
        (
            _("Permissions"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": (
                    "iin",
                    "full_name",
                    "email",
                    "usable_password",
                    "password1",
                    "password2",
                ),
                "description": _(
                    "Only operators sign in with a password; everyone else signs in with EDS. "
                    "For other people choose to disable password-based authentication."
                ),
            },
        ),
    )
    list_display = ("iin", "full_name", "email", "role_list", "is_staff", "is_active")
    list_filter = ("roles__role", "is_staff", "is_superuser", "is_active")
    search_fields = ("iin", "full_name", "email")
    ordering = ("full_name",)
    readonly_fields = ("last_login", "date_joined")

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("roles__region")

    @admin.display(description=_("roles"))
    def role_list(self, user: User) -> str:
        return ", ".join(str(assignment.get_role_display()) for assignment in user.roles.all())

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        user = form.instance
        if user.has_usable_password() and not user.roles.filter(role=Role.OPERATOR).exists():
            self.message_user(
                request,
                _(
                    "%(user)s has a password but is not an operator: password sign-in is only "
                    "for operators, so this person still has to sign in with EDS."
                )
                % {"user": user},
                level=messages.WARNING,
            )


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(admin.ModelAdmin):
    form = RoleAssignmentForm
    list_display = ("user", "role", "region", "organisation_bin", "granted_at")
    list_filter = ("role", "region")
    list_select_related = ("user", "region")
    search_fields = ("user__iin", "user__full_name", "organisation_bin")
    autocomplete_fields = ("user", "region")
    date_hierarchy = "granted_at"


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    """Oblasts and cities of republican significance (KATO level 1). Deactivate, do not delete."""

    list_display = ("kato", "name_kk", "name_ru", "name_en", "kind", "is_active")
    list_filter = ("kind", "is_active")
    search_fields = ("kato", "name_kk", "name_ru", "name_en")
    ordering = ("kato",)


class ClassifierItemForm(forms.ModelForm):
    register = forms.ChoiceField(
        label=_("register"),
        help_text=_("The register an approved supplier of this item enters (REG-1)."),
    )

    class Meta:
        model = ClassifierItem
        fields = [
            "code",
            "kind",
            "parent",
            "register",
            "requires_conformity_certificate",
            "is_medical_device",
            "name_kk",
            "name_ru",
            "name_en",
            "is_active",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        language = (get_language() or "kk")[:2]
        if language not in ("kk", "ru", "en"):
            language = "en"
        cast(forms.ChoiceField, self.fields["register"]).choices = [
            ("", "---------"),
            *reference_data.register_choices(language),
        ]

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        parent = cleaned.get("parent")
        if parent is None:
            return cleaned
        if cleaned.get("kind") and parent.kind != cleaned["kind"]:
            self.add_error("parent", _("The parent must be of the same kind (goods or services)."))
        ancestor = parent
        while ancestor is not None:
            if self.instance.pk and ancestor.pk == self.instance.pk:
                self.add_error("parent", _("An item cannot be placed under itself."))
                break
            ancestor = ancestor.parent
        return cleaned


class ClassifierParentFilter(admin.SimpleListFilter):
    title = _("group")
    parameter_name = "group"

    def lookups(self, request, model_admin):
        groups = ClassifierItem.objects.filter(children__isnull=False).distinct()
        return [("top", _("Top-level groups")), *((str(item.pk), str(item)) for item in groups)]

    def queryset(self, request, queryset):
        value = self.value()
        if value == "top":
            return queryset.filter(parent__isnull=True)
        if value and value.isdigit():
            return queryset.filter(parent_id=int(value))
        return queryset


@admin.register(ClassifierItem)
class ClassifierItemAdmin(admin.ModelAdmin):
    """The classifier of goods and services (SUP-1; Order No. 502 of 27.12.2021)."""

    form = ClassifierItemForm
    list_display = (
        "code",
        "name_kk",
        "name_ru",
        "kind",
        "parent",
        "register",
        "requires_conformity_certificate",
        "is_medical_device",
        "is_active",
    )
    list_filter = (
        "kind",
        ClassifierParentFilter,
        "register",
        "requires_conformity_certificate",
        "is_medical_device",
        "is_active",
    )
    list_select_related = ("parent",)
    search_fields = ("code", "name_kk", "name_ru", "name_en")
    autocomplete_fields = ("parent",)
    ordering = ("code",)


class WorkingDayOverrideForm(forms.ModelForm):
    class Meta:
        model = WorkingDayOverride
        fields = ["day", "is_working", "basis"]

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        day, is_working = cleaned.get("day"), cleaned.get("is_working")
        if day is None or is_working is None:
            return cleaned
        is_weekend = day.weekday() >= 5
        if is_working and not is_weekend:
            self.add_error(
                "is_working",
                _(
                    "A weekday is already a working day; only a Saturday or Sunday "
                    "can be transferred into a working day."
                ),
            )
        if not is_working and is_weekend:
            self.add_error(
                "is_working",
                _(
                    "A Saturday or Sunday is already a day off; only a weekday can "
                    "be transferred into a day off."
                ),
            )
        return cleaned


@admin.register(WorkingDayOverride)
class WorkingDayOverrideAdmin(admin.ModelAdmin):
    """Day-off transfers decreed by the government each year (CAL-1)."""

    form = WorkingDayOverrideForm
    list_display = ("day", "weekday", "is_working", "basis")
    list_filter = ("is_working",)
    search_fields = ("basis",)
    date_hierarchy = "day"
    ordering = ("-day",)

    @admin.display(description=_("day of the week"), ordering="day")
    def weekday(self, override: WorkingDayOverride) -> str:
        return date_format(override.day, "l")
