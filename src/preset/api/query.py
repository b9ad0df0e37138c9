"""A query string validated against one Pydantic model in a single call.

FastAPI validates each declared query parameter on its own, with several Python calls per
parameter on every request: for the ten parameters of ``GET /api/gigs`` that was ~0.5 ms of CPU
per request on the benchmark machine (docs/benchmarks.md, "HTTP overhead"). The hottest read
therefore takes its whole query string through one dependency that validates it against one
model in one pydantic-core call and raises FastAPI's own :class:`RequestValidationError` (the
same 422 body as any other route); :meth:`QueryModel.openapi_parameters` documents the model's
fields as the route's query parameters.
"""

from __future__ import annotations

from typing import Any, Generic, TypeVar

# The test FastAPI itself applies to a query model's fields (fastapi.dependencies.utils): a
# list field takes repeated keys here exactly as it would on a FastAPI-declared query model.
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

    def openapi_parameters(self) -> list[dict[str, Any]]:
        """The model's fields as OpenAPI query parameters (for a route's ``openapi_extra``)."""
        schema = self.model.model_json_schema()
        properties: dict[str, Any] = schema.get("properties", {})
        required = set(schema.get("required", ()))
        parameters = []
        for name, prop in properties.items():
            prop = dict(prop)
            description = prop.pop("description", None)
            parameter: dict[str, Any] = {
                "name": name,
                "in": "query",
                "required": name in required,
                "schema": prop,
            }
            if description:
                parameter["description"] = description
            if name in self.list_fields:
                parameter["explode"] = True
            parameters.append(parameter)
        return parameters
