"""The project-stage registry: how each step's app plugs into the project spine.

Every app that serves one or more stages of a project registers one :class:`StageApp` in
its ``AppConfig.ready()``::

    from linli.projects.registry import StageApp, StageGuard, register

    register(StageApp(
        label="funding",
        order=40,
        stages=(Stage.FUNDING,),
        section=funding_section,          # (project, user) -> ProjectSection | None
        guards=(StageGuard(...),),        # what must hold before a project moves on
        todos=funding_todos,              # (user) -> iterable of Todo for the home pages
    ))

The project page (``projects/detail.html``) renders every registered section that has
something for the project, in ``order``; ``project_change_stage`` asks every guard that
applies to the move; the role home pages list every app's to-dos. Nothing about another app
is hard-coded in ``projects``: an app that is not installed simply does not register.

Guards and sections are read-only functions of the database; they never write.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime

from django.utils.translation import gettext

from linli.projects.models import STAGE_ORDER


@dataclass(frozen=True)
class GuardResult:
    """The answer of one guard for one project: met or not, and what to do about it.

    ``message`` is a full Chinese sentence shown on refusal and in the checklist: which
    rule, which record is missing. ``link`` points at the page where it can be done and
    ``who`` says which role can do it.
    """

    ok: bool
    message: str
    link: str = ""
    who: str = ""


def met(message: str, link: str = "") -> GuardResult:
    return GuardResult(ok=True, message=message, link=link)


def missing(message: str, link: str = "", who: str = "") -> GuardResult:
    return GuardResult(ok=False, message=message, link=link, who=who)


@dataclass(frozen=True)
class StageGuard:
    """One rule a project must satisfy before a forward move.

    It applies when the project *leaves* one of ``leaving`` or *enters* one of
    ``entering``; with neither given it applies to every forward move. Backward moves are
    never guarded (sending a project back must always be possible, with a reason).
    """

    key: str
    title: str
    check: Callable[[object], GuardResult]
    leaving: tuple[str, ...] = ()
    entering: tuple[str, ...] = ()

    def applies(self, from_stage: str, to_stage: str) -> bool:
        if STAGE_ORDER.index(to_stage) <= STAGE_ORDER.index(from_stage):
            return False
        if not self.leaving and not self.entering:
            return True
        return from_stage in self.leaving or to_stage in self.entering


@dataclass
class SectionItem:
    """One line inside a project-page section: a record with a link and a short status."""

    title: str
    url: str = ""
    status: str = ""


@dataclass
class ProjectSection:
    """What an app shows on the project page: its records for this project."""

    title: str
    url: str = ""
    status: str = ""
    items: list[SectionItem] = field(default_factory=list)
    actions: list[SectionItem] = field(default_factory=list)
    app: str = ""
    stages: tuple[str, ...] = ()
    current: bool = False


@dataclass
class Todo:
    """Something a user can act on now, for the '等您参与' / '待办' lists of home pages."""

    kind: str
    title: str
    url: str
    until: datetime | None = None


@dataclass(frozen=True)
class StageApp:
    label: str
    order: int
    stages: tuple[str, ...] = ()
    section: Callable[[object, object], ProjectSection | None] | None = None
    guards: tuple[StageGuard, ...] = ()
    todos: Callable[[object], Iterable[Todo]] | None = None


_APPS: dict[str, StageApp] = {}


def register(app: StageApp) -> StageApp:
    """Register (or re-register, idempotently) an app's part of the project spine."""
    _APPS[app.label] = app
    return app


def registered_apps() -> list[StageApp]:
    return sorted(_APPS.values(), key=lambda a: (a.order, a.label))


def all_guards() -> list[StageGuard]:
    return [g for app in registered_apps() for g in app.guards]


def guards_for_move(from_stage: str, to_stage: str) -> list[StageGuard]:
    return [g for g in all_guards() if g.applies(from_stage, to_stage)]


def first_refusal(project, to_stage: str) -> GuardResult | None:
    """The first unmet guard for moving ``project`` to ``to_stage``, or None if all hold."""
    for guard in guards_for_move(project.stage, to_stage):
        result = guard.check(project)
        if not result.ok:
            return result
    return None


def checklist(project) -> list[tuple[StageGuard, GuardResult]]:
    """Every guard that applies to the project's next forward move, with its answer."""
    index = STAGE_ORDER.index(project.stage)
    if index + 1 >= len(STAGE_ORDER):
        return []
    following = STAGE_ORDER[index + 1]
    return [(g, g.check(project)) for g in guards_for_move(project.stage, following)]


def project_sections(project, user) -> list[ProjectSection]:
    """The sections of every registered app that has something for this project."""
    sections = []
    for app in registered_apps():
        if app.section is None:
            continue
        section = app.section(project, user)
        if section is None:
            continue
        section.app = app.label
        section.stages = app.stages
        section.current = project.stage in app.stages
        sections.append(section)
    return sections


def todos_for(user, limit: int = 20) -> list[Todo]:
    """Every app's to-dos for ``user``, soonest deadline first, then as registered."""
    items: list[Todo] = []
    for app in registered_apps():
        if app.todos is not None:
            items.extend(app.todos(user))
    items.sort(key=lambda t: t.until.timestamp() if t.until else float("inf"))
    return items[:limit]


def records_section(
    *,
    title: str,
    url: str,
    rows: Iterable,
    item_url: Callable[[object], str],
    item_status: Callable[[object], str],
    empty_status: str = "",
    limit: int = 8,
) -> ProjectSection | None:
    """A section listing an app's records of one project (meetings, votes, notices …).

    ``rows`` is already scoped to what the user may see. ``None`` when there is nothing to
    show and nothing to say (the app then has no section on the page).
    """
    rows = list(rows[: limit + 1]) if hasattr(rows, "__getitem__") else list(rows)
    if not rows and not empty_status:
        return None
    section = ProjectSection(title=title, url=url)
    for row in rows[:limit]:
        section.items.append(SectionItem(str(row), item_url(row), item_status(row)))
    if not rows:
        section.status = empty_status
    elif len(rows) > limit:
        section.status = gettext("仅显示最近 %(n)s 条") % {"n": limit}
    return section
