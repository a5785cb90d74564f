"""Read-only admin for votes: every change goes through the services (audited)."""

from django.contrib import admin

from linli.voting.models import Ballot, Elector, PaperEntry, Vote, VoteResult


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Vote)
class VoteAdmin(ReadOnly):
    list_display = ["title", "committee", "kind", "status", "opens_at", "closes_at"]
    list_filter = ["kind", "status"]
    search_fields = ["title"]


@admin.register(Elector)
class ElectorAdmin(ReadOnly):
    list_display = ["label", "vote", "area", "owner_names"]
    search_fields = ["label", "owner_names"]


@admin.register(Ballot)
class BallotAdmin(ReadOnly):
    list_display = ["elector", "vote", "choice", "channel", "revision", "cast_at"]
    list_filter = ["channel", "choice"]


@admin.register(PaperEntry)
class PaperEntryAdmin(ReadOnly):
    list_display = ["elector", "vote", "batch", "slot", "state", "entered_by", "at"]
    list_filter = ["state"]


@admin.register(VoteResult)
class VoteResultAdmin(ReadOnly):
    list_display = ["vote", "passed", "closed_at", "signature"]
