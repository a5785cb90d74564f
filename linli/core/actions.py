"""The one view idiom for a form that runs one service (Decidim's ``on(:ok)/on(:invalid)``).

Every page that changes something has the same shape: bind the form, and if it is valid
run exactly one service with the cleaned data; a business refusal (``ServiceError``) or a
model ``ValidationError`` goes back into the form and the page is shown again with the
refusal's status; success adds a message and redirects. A ``ScopeError`` is not caught: it
becomes the 403 page (``ServiceErrorMiddleware``).

    def project_create(request):
        form = ProjectCreateForm(request.POST or None, user=request.user)
        return run_form(
            request,
            form,
            lambda data: services.project_create(actor=request.user, **data),
            template="projects/create.html",
            success=_("项目已创建"),
            redirect_to=lambda project: reverse("projects:detail", args=[project.pk]),
        )

``run_service`` is the same for a button without a form (publish, close, confirm …).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render

from linli.core.errors import ScopeError, ServiceError


def add_errors(form, exc: Exception) -> int:
    """Put a refusal into ``form`` (on its field when the error names one); return the status."""
    if isinstance(exc, ServiceError):
        field = getattr(exc, "field", None)
        form.add_error(field if field in form.fields else None, exc.message)
        return exc.status
    errors = getattr(exc, "message_dict", None) or {"__all__": list(exc.messages)}
    for field, messages_ in errors.items():
        form.add_error(field if field in form.fields else None, messages_)
    return 400


def _target(redirect_to, result) -> str:
    return redirect_to(result) if callable(redirect_to) else redirect_to


def _message(success, result) -> str:
    """``success`` is the message, or a callable making it from what the service returned
    (``lambda need: f"已录入：{need}"``)."""
    return success(result) if callable(success) else success


def run_form(
    request,
    form,
    action: Callable[[dict[str, Any]], Any],
    *,
    template: str,
    success: str | Callable[[Any], str] | None = None,
    redirect_to: str | Callable[[Any], str] | None = None,
    context: dict | Callable[[], dict] | None = None,
    respond: Callable[[Any], Any] | None = None,
):
    """Show ``form`` (GET), or run ``action(cleaned_data)`` for a valid POST.

    ``context`` may be a callable so the page's extra context is built only when the page
    is actually rendered (after a refusal the objects are read again, fresh). ``respond``
    replaces the message and redirect for the rare page that must answer the POST itself
    (a new API token's key is shown once, never stored for a redirect).
    """
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                result = action(form.cleaned_data)
            except ScopeError:
                raise
            except (ServiceError, ValidationError) as exc:
                status = add_errors(form, exc)
            else:
                if respond is not None:
                    return respond(result)
                messages.success(request, _message(success, result))
                return redirect(_target(redirect_to, result))
    extra = context() if callable(context) else (context or {})
    return render(request, template, {"form": form, **extra}, status=status)


def run_service(
    request,
    action: Callable[[], Any],
    *,
    success: str | Callable[[Any], str],
    redirect_to: str | Callable[[Any], str],
    render_refusal: Callable[[int], Any] | None = None,
    form_refusal: Callable[[int, str], Any] | None = None,
):
    """Run one service for a plain button (publish, close, confirm …).

    On a refusal the Chinese reason is shown with the refusal's 4xx status: on the page
    ``render_refusal(status)`` renders (usually the page the button sits on), or, without
    one, on the error page (the ServiceError goes to ``ServiceErrorMiddleware``).
    ``form_refusal(status, reason)`` instead puts the reason beside a hand-written form
    that is shown again with what was typed (planning's option and work-log forms).
    """
    try:
        result = action()
    except ScopeError:
        raise
    except (ServiceError, ValidationError) as exc:
        if isinstance(exc, ServiceError):
            reason, status = exc.message, exc.status
        else:
            reason, status = "；".join(exc.messages), 400
        if form_refusal is not None:
            return form_refusal(status, reason)
        if render_refusal is None:
            if isinstance(exc, ServiceError):
                raise
            raise ServiceError(reason) from exc
        messages.error(request, reason)
        return render_refusal(status)
    messages.success(request, _message(success, result))
    return redirect(_target(redirect_to, result))


def service_args(payload, **objects) -> dict[str, Any]:
    """An API payload as the service's keyword arguments (the API half of the idiom).

    The handler looks up, in the caller's scope, every object the payload names by id and
    passes it by the service's name: ``service_args(payload, building=b)`` drops
    ``building_id`` (or ``buildings`` drops ``building_ids``) and adds ``building``. Every
    other field goes through as it is, so a field added to the schema and the service needs
    no third edit here.

        need = services.need_submit(
            actor=request.auth, **service_args(payload, committee=committee, building=b)
        )
    """
    data = payload.dict()
    for name, obj in objects.items():
        data.pop(f"{name}_id", None)
        if name.endswith("s"):
            data.pop(f"{name[:-1]}_ids", None)
        data[name] = obj
    return data
