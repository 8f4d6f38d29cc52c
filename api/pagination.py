"""Pages of a list, in OParl's shape: `data`, `pagination` (counts) and `links` (first, prev, next, last)."""

from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param


class OParlPagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
    invalid_page_message = "Page invalide."

    def get_paginated_response(self, data):
        page = self.page
        paginator = page.paginator
        return Response(
            {
                "data": data,
                "pagination": {
                    "totalElements": paginator.count,
                    "elementsPerPage": paginator.per_page,
                    "currentPage": page.number,
                    "totalPages": paginator.num_pages,
                },
                "links": {
                    "first": self._page_link(1),
                    "prev": self.get_previous_link(),
                    "next": self.get_next_link(),
                    "last": self._page_link(paginator.num_pages),
                },
            }
        )

    def _page_link(self, number: int) -> str:
        return replace_query_param(self.request.build_absolute_uri(), self.page_query_param, number)

    def get_paginated_response_schema(self, schema):
        link = {"type": "string", "format": "uri", "nullable": True}
        return {
            "type": "object",
            "required": ["data", "pagination", "links"],
            "properties": {
                "data": schema,
                "pagination": {
                    "type": "object",
                    "required": ["totalElements", "elementsPerPage", "currentPage", "totalPages"],
                    "properties": {
                        name: {"type": "integer"}
                        for name in ("totalElements", "elementsPerPage", "currentPage", "totalPages")
                    },
                },
                "links": {
                    "type": "object",
                    "required": ["first", "prev", "next", "last"],
                    "properties": {"first": link, "prev": link, "next": link, "last": link},
                },
            },
        }
