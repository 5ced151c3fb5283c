from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.response import Response

from omslag.common.api.serializers import CamelModelSerializer, CamelSerializer

from . import selectors, services
from .models import ApiToken


class MeOut(CamelSerializer):
    email = serializers.EmailField()
    full_name = serializers.CharField()
    is_platform_admin = serializers.BooleanField(source="is_superuser")


class TokenOut(CamelModelSerializer):
    class Meta:
        model = ApiToken
        fields = ["id", "name", "created_at", "last_used_at", "revoked_at"]


class TokenCreatedOut(TokenOut):
    token = serializers.CharField(help_text="The secret: shown once, store it now.")

    class Meta(TokenOut.Meta):
        fields = [*TokenOut.Meta.fields, "token"]


class TokenCreateIn(CamelSerializer):
    name = serializers.CharField(max_length=100)


@extend_schema(tags=["account"])
class MeApi(generics.GenericAPIView):
    serializer_class = MeOut

    @extend_schema(operation_id="me_read")
    def get(self, request):
        return Response(MeOut(request.user).data)


@extend_schema(tags=["account"])
class TokenListApi(generics.GenericAPIView):
    serializer_class = TokenOut

    @extend_schema(operation_id="tokens_list", responses={200: TokenOut(many=True)})
    def get(self, request):
        page = self.paginate_queryset(selectors.api_tokens_of(request.user))
        return self.get_paginated_response(TokenOut(page, many=True).data)

    @extend_schema(
        operation_id="tokens_create", request=TokenCreateIn, responses={201: TokenCreatedOut}
    )
    def post(self, request):
        serializer = TokenCreateIn(data=request.data)
        serializer.is_valid(raise_exception=True)
        token, secret = services.api_token_issue(
            person=request.user, name=serializer.validated_data["name"]
        )
        token.token = secret
        return Response(TokenCreatedOut(token).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["account"])
class TokenDetailApi(generics.GenericAPIView):
    serializer_class = TokenOut

    @extend_schema(operation_id="tokens_revoke", request=None, responses={204: None})
    def delete(self, request, pk):
        services.api_token_revoke(token=selectors.api_token_get_own(request.user, pk))
        return Response(status=status.HTTP_204_NO_CONTENT)
