"""What OPTIONS answers on the API: the methods (``Allow``), name, description and formats.

DRF's default also describes the input of PUT and POST by building the serializer and, for
PUT, looking up the record, which views without a queryset cannot do (a 500). The OpenAPI
document describes the input; OPTIONS need not repeat it.
"""

from rest_framework.metadata import SimpleMetadata


class MethodsMetadata(SimpleMetadata):
    def determine_metadata(self, request, view):
        return {
            "name": view.get_view_name(),
            "description": view.get_view_description(),
            "renders": [renderer.media_type for renderer in view.renderer_classes],
            "parses": [parser.media_type for parser in view.parser_classes],
        }
