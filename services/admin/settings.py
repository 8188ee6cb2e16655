"""Store settings in the dashboard: every staff member reads them, only owners change them.

One form saves several fields: each is validated by the store's own setter rules first (the
first problem is refused with the field's label and what to fix, and nothing is saved), then the
changed ones are written and one audit row keeps their values before and after.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from services.accounts.sessions import Identity
from services.accounts.staff_access import EVERY_ROLE, active_staff, record
from services.admin.errors import SettingRejected
from services.core import db
from services.core.cache import invalidate_catalog_cache
from services.core.models import StaffRole
from services.core.settings import get_settings
from services.store import settings as store
from services.store.settings import InvalidSetting

EDITORS = (StaffRole.OWNER.value,)


@dataclass(frozen=True, slots=True)
class Field:
    name: str  # the `StoreSettings` attribute, the form field and the audit key
    label: str
    setter: Callable[..., Any]


FIELDS = (
    Field("refund_window_days", "Refund window (days)", store.set_refund_window_days),
    Field("support_refund_limit_cents", "Support refund limit (cents)", store.set_support_refund_limit_cents),
    Field("brand_name", "Brand name in emails", store.set_brand_name),
    Field("support_email", "Support email", store.set_support_email),
    Field("storefront_notice", "Notice for customers", store.set_storefront_notice),
    Field("legal_name", "Company name on receipts", store.set_legal_name),
    Field("legal_address", "Company address", store.set_legal_address),
    Field("tax_id", "VAT or registration number", store.set_tax_id),
)
LOCK = "admin-settings-save"


@dataclass(frozen=True, slots=True)
class SettingsView:
    values: dict[str, str]  # field name -> the value as the form shows it
    defaults: dict[str, str]  # what an empty brand or support email falls back to
    editable: bool  # the caller may save


def _values(current: store.StoreSettings) -> dict[str, str]:
    return {f.name: str(getattr(current, f.name)) for f in FIELDS}


def get_settings_view(identity: Identity) -> SettingsView:
    with db.session() as s:
        admin = active_staff(s, identity, EVERY_ROLE)
    env = get_settings()
    return SettingsView(_values(store.get_store_settings()),
                        {"brand_name": env.brand_name, "support_email": env.support_email},
                        admin.staff_role in EDITORS)


def _validated(form: dict[str, str]) -> dict[str, Any]:
    parsed = {}
    for f in FIELDS:
        if f.name not in form:
            continue
        raw = str(form[f.name])[:1000]
        try:
            parsed[f.name] = store.parse_value(f.name, raw.strip() if f.name.endswith(("_days", "_cents")) else raw)
        except InvalidSetting as exc:
            raise SettingRejected(str(exc), field=f.label, problem=str(exc)) from None
    return parsed


def save_settings(identity: Identity, form: dict[str, str], *, ip: str | None) -> SettingsView:
    """Validate every submitted field, then store the changed ones (owners only); one audit row."""
    parsed = _validated(form)
    with db.session() as s, s.begin():
        actor = active_staff(s, identity, EDITORS)
        s.exec(sa.select(sa.func.pg_advisory_xact_lock(sa.func.hashtext(LOCK))))  # one save at a time
        before = _values(store.get_store_settings())
        changed = {f: v for f, v in parsed.items() if str(v) != before[f]}
        for f in FIELDS:
            if f.name in changed:
                f.setter(changed[f.name], admin_id=actor.id)
        if changed:
            record(s, actor.id, "settings.updated", entity="settings", entity_id="store", ip=ip,
                   before={k: before[k] for k in changed}, after={k: str(v) for k, v in changed.items()})
    invalidate_catalog_cache()
    return get_settings_view(identity)
