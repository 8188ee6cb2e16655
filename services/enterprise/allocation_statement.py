"""The one statement of an assignment request: claim, allocate, audit and email, in one round trip.

(1) Claim the wanted in-stock eSIMs with `SELECT ... FOR UPDATE SKIP LOCKED`, so concurrent requests
never wait on each other's rows; (2) insert one allocation per eSIM with `ON CONFLICT DO NOTHING` on the
unique partial index (one live recipient per eSIM, enforced by the database), only when every recipient
got an eSIM; (3) only when every allocation went in, its audit row and its recipient's email; (4) answer
one row per claimed eSIM saying whether its allocation went in, with what a refusal needs (whether the
company is active and, when a request for any eSIMs came short, how many are in stock), so that the
caller verifies the count and a refusal needs no second query.

The email is rendered with placeholders where the company's name, the eSIM's plan, the recipient's
name and the link's token go (once, until the settings it reads change), and the statement puts the
values in (HTML-escaped in
the HTML part as Jinja's autoescape does, and the subject's whitespace collapsed as `render_email`
does): the names come from the database, so rendering in Python would need the statement's answer
and a second statement, hence a transaction around both.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Sequence
from typing import Any

import psycopg
from markupsafe import escape
from psycopg.rows import namedtuple_row

from services.core.cache import cached
from services.core.models import OutboxStatus
from services.core.settings import get_settings
from services.notifications.render import render_email
from services.store.settings import get_store_settings

TEMPLATE = "esim_assigned"

# Where the values go in the rendered email: unguessable (a random part per process), so no name typed
# into a form can pose as one, and left alone by HTML escaping.
_SLOTS = {slot: f"{slot}-{secrets.token_hex(8)}" for slot in ("company", "plan", "name", "token")}

# `str.split()`'s whitespace, as a regular expression class of PostgreSQL (`\uXXXX` escapes): the subject's
# leading and trailing runs of it, and its runs, which `render_email` removes and collapses.
_SPACE = "[" + "".join(f"\\u{code:04x}" for code in range(0x10000) if chr(code).isspace()) + "]+"
_SUBJECT = {"ends": f"^{_SPACE}|{_SPACE}$", "runs": _SPACE}


def _escaped(expr: str) -> str:
    """SQL for `expr` HTML-escaped as markupsafe (Jinja's autoescape) does."""
    for char, entity in (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ('"', "&#34;"), ("''", "&#39;")):
        expr = f"replace({expr}, '{char}', '{entity}')"
    return expr


def _filled(template: str, subject_slot: str, values: str) -> str:
    """SQL for the rendered `template` part with `values` (subject, company, plan, recipient) put in its
    slots, the subject first (it holds the company and plan slots itself), then the link's token."""
    expr = template
    for k, slot in enumerate((subject_slot, "%(slot_company)s", "%(slot_plan)s", "%(slot_name)s"), 1):
        expr = f"replace({expr}, {slot}, {values}[{k}])"
    return f"replace({expr}, %(slot_token)s, m.token)"  # URL-safe: the same escaped or not


# An eSIM of the company in stock: not installed, not expired, no live recipient (the claim and the
# in-stock count of a refusal).
_IN_STOCK = """e.enterprise_account_id = %(company)s AND e.status = 'not_installed'
AND (e.expires_at IS NULL OR e.expires_at > %(now)s)
AND NOT EXISTS (SELECT 1 FROM esim_allocations a WHERE a.esim_id = e.id AND a.revoked_at IS NULL OFFSET 0)"""
# The claim's `OFFSET 0` keeps the live-allocation check a subquery run per candidate eSIM (an index
# probe): as an anti-join, with statistics that predate a bulk order (a generic plan keeps them),
# PostgreSQL chose a merge join that read the live-recipient index from its start, all companies'
# allocations, per request; the in-stock count probes the same way. `claimed` numbers the eSIMs as the
# recipients: in the order of the listed eSIMs, when listed. `given` is the request's allocations when
# every recipient got one (else nothing is audited or mailed).
_SQL = f"""
WITH wanted AS (
    SELECT e.id, e.display_id, e.iccid, e.order_id FROM esims e
    WHERE {_IN_STOCK}
      AND (CAST(%(refs)s AS text[]) IS NULL OR e.display_id = ANY(CAST(%(refs)s AS text[])))
      AND EXISTS (SELECT 1 FROM enterprise_accounts c WHERE c.id = %(company)s AND c.status = 'active')
    ORDER BY e.id LIMIT %(wanted)s
    FOR UPDATE OF e SKIP LOCKED
), claimed AS (
    SELECT w.*, row_number() OVER (ORDER BY array_position(CAST(%(refs)s AS text[]), w.display_id), w.id) AS n
    FROM wanted w
), people AS (
    SELECT * FROM unnest(CAST(%(names)s AS text[]), CAST(%(emails)s AS text[]), CAST(%(tokens)s AS text[]),
                         CAST(%(hashes)s AS text[])) WITH ORDINALITY AS p(name, email, token, token_hash, n)
), inserted AS (
    INSERT INTO esim_allocations (esim_id, enterprise_account_id, recipient_name, recipient_email, token_hash,
                                  expires_at, created_by)
    SELECT c.id, %(company)s, p.name, p.email, p.token_hash, %(expires)s, %(actor)s
    FROM claimed c JOIN people p USING (n)
    WHERE (SELECT count(*) FROM claimed) = %(wanted)s
    ON CONFLICT (esim_id) WHERE revoked_at IS NULL DO NOTHING
    RETURNING esim_id
), given AS (
    SELECT c.id, c.iccid, p.name, p.email, p.token, pk.name AS plan_name
    FROM inserted i JOIN claimed c ON c.id = i.esim_id JOIN people p USING (n)
    JOIN orders o ON o.id = c.order_id JOIN packages pk ON pk.id = o.package_id
    WHERE (SELECT count(*) FROM inserted) = %(wanted)s
), audited AS (
    INSERT INTO audit_log (actor_type, actor_id, action, entity_type, entity_id, details, ip,
                           enterprise_account_id)
    SELECT 'enterprise', %(actor)s, 'esim_assigned', 'esim', g.id::text,
           jsonb_build_object('entity', 'esim', 'iccid', g.iccid,
                              'before', jsonb_build_object('recipient', NULL),
                              'after', jsonb_build_object('recipient', g.name, 'email', g.email)),
           %(ip)s, %(company)s
    FROM given g
), mail AS (  -- v: the subject, the company's name, the plan's name, the recipient's name
    SELECT g.email, g.token, ARRAY[
               regexp_replace(regexp_replace(replace(replace(
                   %(mail_subject)s, %(slot_company)s, co.company_name), %(slot_plan)s, g.plan_name),
                   %(ends)s, '', 'g'), %(runs)s, ' ', 'g'),
               co.company_name, g.plan_name, g.name] AS v
    FROM given g JOIN enterprise_accounts co ON co.id = %(company)s
), mailed AS (
    INSERT INTO email_outbox (to_address, subject, text_body, html_body, template, attachments, status,
                              attempts)
    SELECT m.email, m.v[1], {_filled("%(mail_text)s", "%(mail_subject)s", "m.v")},
           {_filled("%(mail_html)s", "%(mail_subject_html)s", "h.v")},
           %(template)s, '[]'::jsonb, %(status)s, 0
    FROM mail m, LATERAL (SELECT array_agg({_escaped("x")} ORDER BY k)
                          FROM unnest(m.v) WITH ORDINALITY u(x, k)) h(v)
)
SELECT co.status = 'active' AS active, c.id, c.display_id, c.iccid, i.esim_id IS NOT NULL AS allocated,
       CASE WHEN CAST(%(refs)s AS text[]) IS NULL AND (SELECT count(*) FROM claimed) < %(wanted)s THEN
           (SELECT count(*) FROM esims e WHERE {_IN_STOCK})
       END AS in_stock
FROM enterprise_accounts co LEFT JOIN (claimed c LEFT JOIN inserted i ON i.esim_id = c.id) ON true
WHERE co.id = %(company)s
ORDER BY c.n
"""
# Without its indentation: under psycopg's 4,096 characters, past which a statement is parsed again on every
# execution (no literal in it spans lines).
ASSIGN = "\n".join(line.strip() for line in _SQL.splitlines())


_rendered: tuple[object, object, tuple[str, int], dict[str, str]] | None = None  # the last `mail_params`


def mail_params(link_prefix: str, valid_days: int) -> dict[str, str]:
    """The statement's email parameters: the template rendered (in English) with placeholders, again only
    when what `render_email` reads changes (the environment's settings, and the store's through the read
    cache it uses): rendering cost a request more CPU than the rest of its Python, refused or not."""
    global _rendered
    settings, store = get_settings(), cached(("store_settings",), get_store_settings)
    key = (link_prefix, valid_days)
    last = _rendered
    if last is not None and last[0] is settings and last[1] is store and last[2] == key:
        return last[3]
    rendered = render_email(TEMPLATE, {
        "company_name": _SLOTS["company"], "plan_name": _SLOTS["plan"], "recipient_name": _SLOTS["name"],
        "link": link_prefix + _SLOTS["token"], "valid_days": valid_days})
    params = {"mail_subject": rendered.subject, "mail_subject_html": str(escape(rendered.subject)),
              "mail_text": rendered.text, "mail_html": rendered.html, "template": TEMPLATE,
              "status": OutboxStatus.PENDING, **_SUBJECT,
              **{f"slot_{slot}": value for slot, value in _SLOTS.items()}}
    _rendered = (settings, store, key, params)
    return params


def run(pg: psycopg.Connection[Any], *, company_id: int, refs: Sequence[str] | None, names: Sequence[str],
        emails: Sequence[str], tokens: Sequence[str], hashes: Sequence[str], now: dt.datetime,
        expires: dt.datetime, actor_id: int | None, ip: str | None, mail: dict[str, str]) -> list[Any]:
    """Run the statement on the psycopg connection `pg` (straight, not through SQLAlchemy's execution and
    result objects: they cost a request a third of its Python), prepared on a connection's first use rather
    than its sixth (psycopg's default): a new connection's first ten requests cost its server 2.5 ms of CPU
    each, 2.0 so; its answer: one row per claimed eSIM, in the recipients' order (one row with no eSIM when
    none was claimed)."""
    with pg.cursor(row_factory=namedtuple_row) as cursor:
        return cursor.execute(ASSIGN, {
            "company": company_id, "now": now, "refs": list(refs) if refs is not None else None,
            "wanted": len(names), "names": list(names), "emails": list(emails), "tokens": list(tokens),
            "hashes": list(hashes), "expires": expires, "actor": actor_id, "ip": ip, **mail},
            prepare=True).fetchall()
