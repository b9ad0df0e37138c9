"""A query string validated against one Pydantic model in a single call.

FastAPI validates each declared query parameter on its own, with several Python calls per
parameter on every request: for the ten parameters of ``GET /api/gigs`` that was ~0.5 ms of CPU
per request on the benchmark machine (docs/benchmarks.md, "HTTP overhead"). The hottest read is
therefore also served by a plain route that validates the query string against the same model
its FastAPI declaration documents (``Annotated[Model, Query()]``), in one pydantic-core call,
and raises the same :class:`RequestValidationError`, so a bad query gets the same 422 body.
"""

from __future__ import annotations

from typing import Generic, TypeVar

# The test FastAPI itself applies to a query model's fields (fastapi.dependencies.utils): using
# it, the plain route and the declared one cannot disagree on which fields take repeated keys.
from fastapi._compat import field_annotation_is_sequence
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ValidationError
from starlette.requests import Request

M = TypeVar("M", bound=BaseModel)


class QueryModel(Generic[M]):
    """Reads ``model`` from a request's query string as FastAPI's query models do: a repeated
    key fills a list field, the last value wins elsewhere, unknown keys are ignored."""

    def __init__(self, model: type[M]) -> None:
        self.model = model
        self.list_fields = frozenset(
            name
            for name, field in model.model_fields.items()
            if field_annotation_is_sequence(field.annotation)
        )
        self.fields = frozenset(model.model_fields)

    def parse(self, request: Request) -> M:
        params = request.query_params
        data = {
            key: params.getlist(key) if key in self.list_fields else params[key]
            for key in params.keys()
            if key in self.fields
        }
        try:
            return self.model.model_validate(data)
        except ValidationError as exc:
            raise RequestValidationError(
                [
                    {**error, "loc": ("query", *error["loc"])}
                    for error in exc.errors(include_url=False)
                ]
            ) from None
