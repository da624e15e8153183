"""Operations control for hotels and their rooms per night."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString

from operations.disruption_rows import RootFilter
from operations.drill_rows import DrillsFilter
from passengers.admin import passenger_link

from .models import Hotel, HotelStay, RoomNight, UnaccommodatedStay


@admin.display(description="rooms free")
def rooms_free(night: RoomNight) -> int | None:
    """Rooms left; None on a night not filled in yet (an add form)."""
    return None if night.rooms is None else night.rooms_free


# Rooms are taken by the lodging service only; operators set the rooms on offer.
ROOM_COUNTERS = ("rooms_used", rooms_free)


class RoomNightInline(admin.TabularInline):
    model = RoomNight
    readonly_fields = ROOM_COUNTERS
    extra = 0


@admin.register(Hotel)
class HotelAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "airport", "rank")
    list_editable = ("rank",)
    list_filter = (("airport", admin.RelatedOnlyFieldListFilter),)
    list_select_related = ("airport",)
    search_fields = ("^code", "name", "=airport__code")
    autocomplete_fields = ("airport",)
    inlines = (RoomNightInline,)


@admin.register(RoomNight)
class RoomNightAdmin(admin.ModelAdmin):
    list_display = ("hotel", "night", "rooms", *ROOM_COUNTERS)
    list_filter = ("night", ("hotel__airport", admin.RelatedOnlyFieldListFilter))
    list_select_related = ("hotel",)
    date_hierarchy = "night"
    search_fields = ("^hotel__code", "hotel__name")
    autocomplete_fields = ("hotel",)
    readonly_fields = ROOM_COUNTERS


@admin.register(HotelStay)
class HotelStayAdmin(admin.ModelAdmin):
    list_display = ("passenger", "booking", "airport", "night", "hotel", "rooms", "status", "cause", "flight")
    list_filter = ("status", "cause", "night", ("airport", admin.RelatedOnlyFieldListFilter), RootFilter, DrillsFilter)
    list_select_related = ("passenger", "booking", "hotel", "flight", "airport")
    search_fields = ("=passenger__ref", "passenger__last_name", "=booking__locator", "^hotel__code")
    search_help_text = "Passenger id, last name, booking locator or hotel code."
    date_hierarchy = "night"
    # Stays are made by the lodging subscriber, which also holds the rooms they use.
    readonly_fields = [field.name for field in HotelStay._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: HotelStay | None = None) -> bool:
        return False


@admin.register(UnaccommodatedStay)
class UnaccommodatedStayAdmin(HotelStayAdmin):
    """The queue operators work through: passengers owed a room that none was left for."""

    list_display = ("night", "airport", "booking", passenger_link, "cause", "flight", "created_at", "book_by_hand")
    list_filter = ("night", ("airport", admin.RelatedOnlyFieldListFilter), "cause", RootFilter, DrillsFilter)

    @admin.display(description="")
    def book_by_hand(self, stay: UnaccommodatedStay) -> SafeString:
        """To the duty page's form booking a room by hand for the stay's passenger (and their booking's)."""
        url = reverse("admin:operations_duty_book_stay", args=[stay.pk])
        return format_html('<a class="button" href="{}">Book by hand…</a>', url)
