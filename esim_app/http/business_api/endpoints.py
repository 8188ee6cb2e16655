"""The business API's operations: each a small handler calling one public service function.

`OPERATIONS` is the single list the routes and the OpenAPI document are built from. Handlers act
as the key's identity (`call.caller.identity`), so the portal's company and role checks apply.
"""

from __future__ import annotations

import dataclasses
import secrets

from starlette.responses import StreamingResponse

from esim_app.http.business_api import schemas as m
from esim_app.http.business_api.framework import NO_STORE, Call, Operation, PathParam
from services import enterprise

ESIM_REF = {"ref": PathParam("An eSIM's reference, from `GET /esims`.")}
ORDER_REF = {"ref": PathParam("A bulk order's reference, from `GET /orders` or `POST /orders`.")}
EXPORT_KIND = {"kind": PathParam("Which export.", {"type": "string", "enum": list(enterprise.EXPORT_KINDS)})}


async def get_catalog(call: Call) -> m.Catalog:
    q = call.query
    view = await enterprise.company_catalogue(call.caller, q.destination, sort=q.sort, quantity=q.quantity)
    return m.Catalog(destination=m.Destination(kind=view.kind, code=view.code, name=view.name),  # type: ignore[arg-type]
                     quantity=view.quantity, discount_bp=view.discount_bp,
                     offers=[m.Offer(**dataclasses.asdict(offer)) for offer in view.offers])


def _esim(row: enterprise.InventoryRow) -> m.EsimOut:
    fields = dataclasses.asdict(row)
    ref, opened, link_expires = fields.pop("esim_ref"), fields.pop("link_opened"), fields.pop("link_expires_at")
    return m.EsimOut(ref=ref, install_link_opened=opened, install_link_expires_at=link_expires, **fields)


async def list_esims(call: Call) -> m.EsimPage:
    q = call.query
    page = await enterprise.list_inventory(call.caller.identity, status=q.status, search=q.search, sort=q.sort,
                                           descending=q.descending, page=q.page, page_size=q.limit)
    return m.EsimPage(esims=[_esim(row) for row in page.rows], total=page.total, page=q.page, limit=q.limit,
                      counts=dict(page.counts))


async def get_esim(call: Call) -> m.EsimOut:
    return _esim(await enterprise.get_company_esim(call.caller, call.path["ref"]))


async def create_allocations(call: Call) -> m.AllocationResult:
    body: m.AllocationRequest = call.body
    result = await enterprise.assign_recipients(call.caller, [(r.name, r.email) for r in body.recipients],
                                                esim_refs=body.esim_refs, ip=call.ip)
    return m.AllocationResult(assigned=[m.Assigned(**dataclasses.asdict(a)) for a in result.assigned])


def _order(view: enterprise.BulkOrderView) -> m.OrderOut:
    return m.OrderOut(ref=view.ref, status=view.status, payment_method=view.payment_method,
                      total_cents=view.total_cents, currency=view.currency, created=view.created,  # type: ignore[arg-type]
                      quantity=view.quantity, ready=view.ready, failed=view.failed,
                      lines=[m.OrderLineOut(**dataclasses.asdict(line)) for line in view.lines],
                      failures=[m.OrderFailure(**dataclasses.asdict(f)) for f in view.failures])


async def list_orders(call: Call) -> m.OrderPage:
    q = call.query
    views, total = await enterprise.list_bulk_orders(call.caller.identity, limit=q.limit, offset=q.offset)
    return m.OrderPage(orders=[_order(v) for v in views], total=total, limit=q.limit, offset=q.offset)


async def get_order(call: Call) -> m.OrderOut:
    return _order(await enterprise.get_bulk_order(call.caller.identity, call.path["ref"]))


async def create_order(call: Call) -> m.OrderOut:
    body: m.OrderRequest = call.body
    key = f"api:{body.idempotency_key or secrets.token_urlsafe(16)}"
    view = await enterprise.place_api_order(call.caller, [(line.plan_ref, line.quantity) for line in body.lines],
                                            key=key, ip=call.ip)
    return _order(view)


async def list_topups(call: Call) -> m.TopupOffers:
    ref = call.path["ref"]
    offers = await enterprise.topup_offers(call.caller.identity, [ref])
    return m.TopupOffers(esim_ref=ref, offers=[
        m.TopupOfferOut(plan_ref=o.slug, name=o.name, data=o.data, validity_days=o.validity_days,
                        unit_price_cents=o.unit_price_cents, currency=o.currency) for o in offers])


async def create_topup(call: Call) -> m.TopupOut:
    body: m.TopupRequest = call.body
    key = f"topup:{body.idempotency_key or secrets.token_urlsafe(16)}"  # apart from the orders' keys
    placed = await enterprise.top_up_esims(call.caller.identity, body.esim_refs, body.plan_ref, key=key, ip=call.ip)
    return m.TopupOut(order_ref=placed.order_ref, esims=placed.esims, total_cents=placed.total_cents,
                      currency=placed.currency, status=placed.status)


async def export_csv(call: Call) -> StreamingResponse:
    export = await enterprise.open_export(call.caller.identity, call.path["kind"], ip=call.ip)
    return StreamingResponse(export.chunks, media_type="text/csv; charset=utf-8", headers={
        **NO_STORE, "Content-Disposition": f'attachment; filename="{export.filename}"'})


OPERATIONS: tuple[Operation, ...] = (
    Operation("GET", "/catalog", "getCatalog", "Plans for a destination at your company's prices", "read",
              get_catalog, m.Catalog, query=m.CatalogQuery, errors=(404,),
              description="404 `unknown_destination` when nothing is sold for the destination."),
    Operation("GET", "/esims", "listEsims", "Your company's eSIMs, one page", "read", list_esims, m.EsimPage,
              query=m.EsimQuery),
    Operation("GET", "/esims/{ref}", "getEsim", "One eSIM of your company", "read", get_esim, m.EsimOut,
              path_params=ESIM_REF),
    Operation("POST", "/allocations", "createAllocations", "Give in-stock eSIMs to people", "distribute",
              create_allocations, m.AllocationResult, body=m.AllocationRequest, status=201, errors=(409,),
              body_limit=1024 * 1024,
              description="All or none. 409 `enterprise_allocation_conflict` (\"Some eSIMs were already allocated. "
                          "Please refresh.\") when another request took some of the eSIMs first, or "
                          "`enterprise_not_enough_stock`; 422 names the recipients that cannot be used."),
    Operation("GET", "/orders", "listOrders", "Your company's bulk orders, newest first", "read", list_orders,
              m.OrderPage, query=m.OrderQuery),
    Operation("GET", "/orders/{ref}", "getOrder", "One bulk order with its progress", "read", get_order,
              m.OrderOut, path_params=ORDER_REF),
    Operation("POST", "/orders", "createOrder", "Place a bulk order on account", "order", create_order,
              m.OrderOut, body=m.OrderRequest, status=201, errors=(404, 409),
              description="Priced at list price less your volume tier and charged to your credit; provisioning "
                          "starts at once (follow `ready` with `GET /orders/{ref}`). 409 "
                          "`enterprise_credit_exceeded` when it does not fit in your available credit; 404 "
                          "`enterprise_plan_unavailable` for a plan that is not on sale."),
    Operation("GET", "/esims/{ref}/topups", "listTopups", "The top-ups that fit one eSIM, at your prices", "order",
              list_topups, m.TopupOffers, path_params=ESIM_REF, errors=(503,),
              description="Only the provider that issued the eSIM can top it up; these are its plans that fit. "
                          "422 `topup_unavailable` for an expired or cancelled eSIM; 503 "
                          "`topup_offers_unavailable` when they cannot be loaded right now."),
    Operation("POST", "/topups", "createTopup", "Top up one or many eSIMs on account", "order", create_topup,
              m.TopupOut, body=m.TopupRequest, status=201, errors=(404, 409, 503),
              description="One plan for every listed eSIM, priced at your company's price and charged to your "
                          "credit as one bulk order; the data is added in the background (follow it with "
                          "`GET /orders/{ref}`). 404 `enterprise_esim_not_found` when an eSIM is not your "
                          "company's; 422 `topup_does_not_fit` when the plan does not fit them all, "
                          "`topup_unavailable` for an expired or cancelled eSIM; 409 `enterprise_credit_exceeded`; "
                          "503 `topup_offers_unavailable`."),
    Operation("GET", "/exports/{kind}.csv", "exportCsv", "A CSV export (UTF-8, header row, streamed)", "read",
              export_csv, None, path_params=EXPORT_KIND, media_type="text/csv"),
)
