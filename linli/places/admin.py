"""Back-office records of the community registry, in Chinese."""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy

from linli.places.models import (
    Building,
    Committee,
    Compound,
    District,
    Facility,
    Flat,
    Household,
    MicroSpace,
    MicroSpacePhoto,
    Ownership,
    Person,
    Residency,
    Street,
)


@admin.register(District)
class DistrictAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "area_km2"]
    search_fields = ["name", "code"]


@admin.register(Street)
class StreetAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "district"]
    list_filter = ["kind", "district"]
    search_fields = ["name"]
    list_select_related = ["district"]


@admin.register(Committee)
class CommitteeAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "street", "phone"]
    list_filter = ["kind", "street__district", "street"]
    search_fields = ["name", "address", "street__name"]
    list_select_related = ["street"]
    raw_id_fields = ["street"]


@admin.register(Compound)
class CompoundAdmin(admin.ModelAdmin):
    list_display = ["name", "committee", "built_year", "address"]
    list_filter = ["committee__street"]
    search_fields = ["name", "address", "committee__name"]
    list_select_related = ["committee"]
    raw_id_fields = ["committee"]


@admin.register(Building)
class BuildingAdmin(admin.ModelAdmin):
    list_display = ["number", "compound", "floors", "has_elevator", "built_year"]
    list_filter = ["has_elevator"]
    search_fields = ["number", "compound__name"]
    list_select_related = ["compound"]
    raw_id_fields = ["compound"]


class OwnershipInline(admin.TabularInline):
    model = Ownership
    extra = 0
    raw_id_fields = ["person"]


class HouseholdInline(admin.TabularInline):
    model = Household
    extra = 0
    show_change_link = True


@admin.register(Flat)
class FlatAdmin(admin.ModelAdmin):
    list_display = ["__str__", "compound_name", "unit", "room", "floor", "area"]
    search_fields = ["room", "building__number", "building__compound__name"]
    list_select_related = ["building__compound"]
    raw_id_fields = ["building"]
    inlines = [OwnershipInline, HouseholdInline]

    @admin.display(description=gettext_lazy("小区"), ordering="building__compound__name")
    def compound_name(self, obj):
        return obj.building.compound.name


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ["name", "sex", "birth_year", "masked_mobile", "is_organisation", "user"]
    list_filter = ["sex", "is_organisation"]
    search_fields = ["name", "mobile"]
    raw_id_fields = ["user"]
    list_select_related = ["user"]

    @admin.display(description=gettext_lazy("手机号"))
    def masked_mobile(self, obj):
        from linli.core.masking import mask_mobile

        return mask_mobile(obj.mobile)


@admin.register(Ownership)
class OwnershipAdmin(admin.ModelAdmin):
    list_display = ["person", "flat", "share"]
    search_fields = ["person__name", "flat__room", "flat__building__compound__name"]
    list_select_related = ["person", "flat__building"]
    raw_id_fields = ["person", "flat"]


class ResidencyInline(admin.TabularInline):
    model = Residency
    extra = 0
    raw_id_fields = ["person"]


@admin.register(Household)
class HouseholdAdmin(admin.ModelAdmin):
    list_display = ["__str__", "flat", "is_tenant"]
    list_filter = ["is_tenant"]
    search_fields = ["label", "flat__room", "flat__building__compound__name"]
    list_select_related = ["flat__building"]
    raw_id_fields = ["flat"]
    inlines = [ResidencyInline]


@admin.register(Residency)
class ResidencyAdmin(admin.ModelAdmin):
    list_display = ["person", "household", "relation"]
    list_filter = ["relation"]
    search_fields = ["person__name"]
    list_select_related = ["person", "household__flat__building"]
    raw_id_fields = ["person", "household"]


class PhotoInline(admin.TabularInline):
    model = MicroSpacePhoto
    extra = 0


@admin.register(MicroSpace)
class MicroSpaceAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "compound", "condition", "rights_holder", "area_m2"]
    list_filter = ["kind", "condition"]
    search_fields = ["name", "rights_holder", "compound__name"]
    list_select_related = ["compound"]
    raw_id_fields = ["compound", "building"]
    inlines = [PhotoInline]

    def get_readonly_fields(self, request, obj=None):
        return ["compound"] if obj is not None else []

    def save_model(self, request, obj, form, change):
        """Through ``microspace_create`` / ``microspace_update``: checked and audited."""
        from linli.places.services import MICROSPACE_FIELDS, microspace_create, microspace_update

        if change:
            changes = {f: getattr(obj, f) for f in form.changed_data if f in MICROSPACE_FIELDS}
            if changes:
                original = MicroSpace.objects.get(pk=obj.pk)
                microspace_update(actor=request.user, microspace=original, **changes)
            return
        created = microspace_create(
            actor=request.user,
            compound=obj.compound,
            **{f: getattr(obj, f) for f in MICROSPACE_FIELDS},
        )
        obj.pk = created.pk
        obj._state.adding = False


@admin.register(MicroSpacePhoto)
class MicroSpacePhotoAdmin(admin.ModelAdmin):
    list_display = ["__str__", "microspace", "taken_at"]
    search_fields = ["caption", "microspace__name"]
    list_select_related = ["microspace"]
    raw_id_fields = ["microspace"]


@admin.register(Facility)
class FacilityAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "street", "committee", "address"]
    list_filter = ["kind", "street"]
    search_fields = ["name", "address"]
    list_select_related = ["street", "committee"]
    raw_id_fields = ["street", "committee"]
