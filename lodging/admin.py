"""Operations control for hotels and their rooms per night."""

from __future__ import annotations

from django.contrib import admin

from .models import Hotel, RoomNight


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
