"""Protected tags and promotion requests: ``protect``, ``unprotect``, ``request``,
``pending``, ``approve``, ``reject``, ``cancel`` and ``admin setup-roles``.

The break-glass promote is ``promote --break-glass --reason R`` (:mod:`.tags`).
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from registry_tui.cli.common import Output, open_registry

if TYPE_CHECKING:
    from collections.abc import Callable

    from registry_tui import ModelRegistry
    from registry_tui.cli.common import Subparsers
    from registry_tui.governance.records import PromotionRequest


def register(subparsers: Subparsers, parents: list[argparse.ArgumentParser]) -> None:
    """Add this module's commands to the parser."""
    p = subparsers.add_parser(
        "protect", parents=parents, help="protect a tag: it then moves only by approved requests"
    )
    p.add_argument("tag", metavar="TAG", help="e.g. production")
    p.add_argument(
        "--reviewer", action="append", default=[], metavar="NAME",
        help="who may approve: a user, or role:NAME (repeat; none: anyone but the requester)",
    )  # fmt: skip
    p.add_argument("--approvals", type=int, default=1, metavar="N", help="approvals a move needs")
    p.add_argument(
        "--allow-self-approval", action="store_true", help="the requester's approval counts"
    )
    p.add_argument("--ttl", metavar="AGE", help="requests expire after this long (30m, 12h, 7d)")
    p.set_defaults(handler=run_protect)
    u = subparsers.add_parser(
        "unprotect", parents=parents, help="request lifting a tag's protection (reviewed)"
    )
    u.add_argument("tag", metavar="TAG", help="the protected tag")
    u.add_argument("--reason", required=True, help="why")
    u.set_defaults(handler=run_unprotect)
    r = subparsers.add_parser(
        "request", parents=parents, help="request moving a protected tag to a model"
    )
    r.add_argument("--model-id", type=int, required=True, metavar="ID", help="model id")
    r.add_argument("--tag", required=True, help="the protected tag")
    r.add_argument("--reason", required=True, help="why (shown to the reviewers)")
    r.set_defaults(handler=run_request)
    _add_decisions(subparsers, parents)


def _add_decisions(subparsers: Subparsers, parents: list[argparse.ArgumentParser]) -> None:
    pending = subparsers.add_parser("pending", parents=parents, help="open promotion requests")
    pending.add_argument("--tag", help="only requests for this tag")
    pending.add_argument("--json", action="store_true", help="JSON for scripts")
    pending.set_defaults(handler=run_pending)
    a = subparsers.add_parser("approve", parents=parents, help="approve a promotion request")
    a.add_argument("request_id", type=int, metavar="REQUEST_ID", help="see registry-tui pending")
    a.add_argument("--comment", help="a note kept with the approval")
    a.set_defaults(handler=run_approve)
    rej = subparsers.add_parser("reject", parents=parents, help="reject a promotion request")
    rej.add_argument("request_id", type=int, metavar="REQUEST_ID", help="the request")
    rej.add_argument("--reason", required=True, help="why")
    rej.set_defaults(handler=run_reject)
    c = subparsers.add_parser("cancel", parents=parents, help="withdraw your promotion request")
    c.add_argument("request_id", type=int, metavar="REQUEST_ID", help="your request")
    c.set_defaults(handler=run_cancel)
    admin = subparsers.add_parser("admin", parents=parents, help="administration (PostgreSQL)")
    steps = admin.add_subparsers(
        dest="admin_command", metavar="STEP", required=True, help="setup-roles"
    )
    roles = steps.add_parser(
        "setup-roles", parents=parents,
        help="the hardened setup: tag moves only through the registry's functions",
    )  # fmt: skip
    roles.add_argument(
        "--admin-role", default="registry_admin", metavar="R",
        help="may protect tags and break glass (default registry_admin)",
    )  # fmt: skip
    roles.add_argument(
        "--reviewer-role", default="registry_reviewer", metavar="R",
        help="may approve through the functions (default registry_reviewer)",
    )  # fmt: skip
    roles.add_argument(
        "--writer-role", default="registry_writer", metavar="R",
        help="may register and tag unprotected tags (default registry_writer)",
    )  # fmt: skip
    roles.set_defaults(handler=run_setup_roles)


def run_protect(args: argparse.Namespace, out: Output) -> int:
    """Protect a tag; say how it is protected."""
    from registry_tui.render.requests import identity_line, protection_summary

    with open_registry(args, must_exist=True) as registry:
        found = registry.protect_tag(
            args.tag, reviewers=args.reviewer, approvals=args.approvals,
            allow_self_approval=args.allow_self_approval, request_ttl=args.ttl,
        )  # fmt: skip
        who = registry.identity()
    out.write(protection_summary(found))
    if not who.enforced:
        out.note(identity_line(who))
    return 0


def run_unprotect(args: argparse.Namespace, out: Output) -> int:
    """Request lifting a protection."""
    with open_registry(args, must_exist=True) as registry:
        request_id = registry.unprotect_tag(args.tag, args.reason)
        r = registry.request(request_id)
    out.say(f"Request {request_id}: lift the protection of {r.tag} (needs {r.needed} approval(s))")
    return 0


def run_request(args: argparse.Namespace, out: Output) -> int:
    """Request a protected tag's move; print the request id."""
    with open_registry(args, must_exist=True) as registry:
        request_id = registry.request_promotion(args.model_id, args.tag, args.reason)
        r = registry.request(request_id)
    out.say(
        f"Request {request_id}: {r.tag} -> model {r.model_id} "
        f"(needs {r.needed} approval(s); see registry-tui pending)"
    )
    return 0


def _labels(registry: ModelRegistry, found: list[PromotionRequest]) -> dict[int, str]:
    ids = {r.model_id for r in found if r.model_id is not None}
    return {i: rec.label for i, rec in registry.records.by_ids(ids).items()}


def run_pending(args: argparse.Namespace, out: Output) -> int:
    """Open requests, oldest first, as a table (advisory on SQLite) or JSON."""
    from registry_tui.render.requests import ADVISORY_NOTE, requests_json, requests_table

    with open_registry(args, must_exist=True) as registry:
        found = registry.pending_requests(args.tag)
        who = registry.identity()
        labels = _labels(registry, found)
    if args.json:
        out.write(requests_json(found, who))
    elif found:
        out.emit(requests_table(found, labels, who))
    else:
        out.say("No open requests" + ("" if who.enforced else f" ({ADVISORY_NOTE})"))
    return 0


def run_approve(args: argparse.Namespace, out: Output) -> int:
    """Approve; say whether the tag moved."""
    return _decide(args, out, lambda registry: registry.approve(args.request_id, args.comment))


def run_reject(args: argparse.Namespace, out: Output) -> int:
    """Reject with a reason."""
    return _decide(args, out, lambda registry: registry.reject(args.request_id, args.reason))


def _decide(
    args: argparse.Namespace, out: Output, decision: Callable[[ModelRegistry], PromotionRequest]
) -> int:
    """Make ``decision`` as the reviewer and show the request after it."""
    from registry_tui.render.requests import request_summary

    with open_registry(args, must_exist=True) as registry:
        r = decision(registry)
        who = registry.identity()
    out.write(request_summary(r, who))
    return 0


def run_cancel(args: argparse.Namespace, out: Output) -> int:
    """Withdraw one's own request."""
    from registry_tui.render.requests import request_summary

    with open_registry(args, must_exist=True) as registry:
        r = registry.cancel(args.request_id)
    out.write(request_summary(r))
    return 0


def run_setup_roles(args: argparse.Namespace, out: Output) -> int:
    """The hardened PostgreSQL setup; refused on SQLite."""
    with open_registry(args, must_exist=True) as registry:
        done = registry.setup_roles(
            admin_role=args.admin_role, reviewer_role=args.reviewer_role,
            writer_role=args.writer_role,
        )  # fmt: skip
    for line in done:
        out.say(line)
    return 0
