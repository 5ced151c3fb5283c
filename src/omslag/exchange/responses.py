"""The HTTP answer that carries an export, for the web page and the API alike."""

from django.http import StreamingHttpResponse

from .services import ExportStream


def export_response(exported: ExportStream) -> StreamingHttpResponse:
    """Send the export as it is written: the first rows leave before the last are read, and
    the server holds one piece of the file at a time."""
    response = StreamingHttpResponse(exported.pieces, content_type=exported.content_type)
    response["Content-Disposition"] = f'attachment; filename="{exported.filename}"'
    return response
