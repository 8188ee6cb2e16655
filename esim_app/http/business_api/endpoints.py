"""The business API's operations: each a small handler calling one public service function.

`OPERATIONS` is the single list the routes and the OpenAPI document are built from.
"""

from __future__ import annotations

import dataclasses

from esim_app.http.business_api import schemas as m
from esim_app.http.business_api.framework import Call, Operation
from services import enterprise


async def get_catalog(call: Call) -> m.Catalog:
    view = await enterprise.company_catalogue(call.caller, call.query.destination, sort=call.query.sort)
    return m.Catalog(destination=m.Destination(kind=view.kind, code=view.code, name=view.name),  # type: ignore[arg-type]
                     offers=[m.Offer(**dataclasses.asdict(offer)) for offer in view.offers])


OPERATIONS: tuple[Operation, ...] = (
    Operation("GET", "/catalog", "getCatalog", "Plans for a destination at your company's prices", "read",
              get_catalog, m.Catalog, query=m.CatalogQuery, errors=(404,),
              description="404 `unknown_destination` when nothing is sold for the destination."),
)
