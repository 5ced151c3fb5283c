"""API views for organisations, memberships and their history. Each one: validate input,
check access, call one service or selector, serialise."""

from django.utils.translation import get_language
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.response import Response

from omslag.common.access import require
from omslag.common.api.detail import VersionedDetailApi, versioned_detail_schema
from omslag.common.api.helpers import VersionIn, validated
from omslag.common.api.serializers import CamelModelSerializer, CamelSerializer
from omslag.common.errors import RuleViolation

from . import access, invitations, selectors, services
from .models import Invitation, Membership, Organisation, Role, slug_validator


class OrganisationOut(CamelModelSerializer):
    parent = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)

    class Meta:
        model = Organisation
        fields = [
            "slug",
            "name",
            "kind",
            "parent",
            "description",
            "version",
            "created_at",
            "updated_at",
        ]


class OrganisationCreateIn(CamelSerializer):
    # The model's rule, so the document says it: lower case, digits, single hyphens.
    slug = serializers.RegexField(slug_validator.regex.pattern, max_length=80)
    name = serializers.CharField(max_length=200)
    kind = serializers.ChoiceField(choices=Organisation.Kind.choices)
    parent = serializers.SlugField(required=False, allow_null=True)
    description = serializers.CharField(required=False, allow_blank=True, max_length=4000)


class OrganisationUpdateIn(CamelSerializer):
    version = serializers.IntegerField(help_text="The version you read; a stale one gives 409.")
    name = serializers.CharField(max_length=200, required=False)
    kind = serializers.ChoiceField(choices=Organisation.Kind.choices, required=False)
    description = serializers.CharField(required=False, allow_blank=True, max_length=4000)


class OrganisationMoveIn(CamelSerializer):
    parent = serializers.SlugField(
        allow_null=True,
        max_length=80,
        help_text=(
            "Short name of the new parent, one you administer and not this organisation or "
            "one below it (422); null places it at the top level (platform administrators)."
        ),
    )
    version = serializers.IntegerField(help_text="The version you read; a stale one gives 409.")


class MembershipOut(CamelModelSerializer):
    organisation = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    person_email = serializers.EmailField(source="person.email", read_only=True)
    person_name = serializers.CharField(source="person.full_name", read_only=True)

    class Meta:
        model = Membership
        fields = [
            "id",
            "organisation",
            "person_email",
            "person_name",
            "role",
            "version",
            "created_at",
        ]


class MembershipCreateIn(CamelSerializer):
    organisation = serializers.SlugField()
    person_email = serializers.EmailField()
    person_name = serializers.CharField(required=False, allow_blank=True, max_length=200)
    role = serializers.ChoiceField(choices=Role.choices)


class MembershipUpdateIn(CamelSerializer):
    version = serializers.IntegerField()
    role = serializers.ChoiceField(choices=Role.choices)


class OrganisationFiltersIn(CamelSerializer):
    kind = serializers.ChoiceField(choices=Organisation.Kind.choices, required=False)
    parent = serializers.SlugField(required=False, help_text="Short name of the parent")
    search = serializers.CharField(
        required=False, allow_blank=True, max_length=200, help_text="Part of the name"
    )


class MembershipFiltersIn(CamelSerializer):
    organisation = serializers.SlugField(
        required=False, help_text="Short name: this organisation and those below it"
    )
    role = serializers.ChoiceField(choices=Role.choices, required=False)


@extend_schema(tags=["organisations"])
class OrganisationListApi(generics.GenericAPIView):
    serializer_class = OrganisationOut

    @extend_schema(
        operation_id="organisations_list",
        responses={200: OrganisationOut(many=True)},
        parameters=[OrganisationFiltersIn],
    )
    def get(self, request):
        filters = validated(OrganisationFiltersIn, request.query_params)
        queryset = selectors.organisations_readable(request.user).select_related("parent")
        if kind := filters.get("kind"):
            queryset = queryset.filter(kind=kind)
        if parent := filters.get("parent"):
            queryset = queryset.filter(parent__slug=parent)
        if search := filters.get("search"):
            queryset = queryset.filter(name__icontains=search)
        page = self.paginate_queryset(queryset.order_by("name"))
        return self.get_paginated_response(OrganisationOut(page, many=True).data)

    @extend_schema(
        operation_id="organisations_create",
        request=OrganisationCreateIn,
        responses={201: OrganisationOut},
    )
    def post(self, request):
        data = validated(OrganisationCreateIn, request.data)
        parent_slug = data.pop("parent", None)
        if parent_slug:
            parent = access.organisation_get_readable(request.user, parent_slug)
            require(access.organisation_can_add_child(request.user, parent))
        else:
            parent = None
            require(access.organisation_can_add_root(request.user))
        organisation = services.organisation_create(actor=request.user, parent=parent, **data)
        return Response(OrganisationOut(organisation).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["organisations"])
class OrganisationDetailApi(generics.GenericAPIView):
    serializer_class = OrganisationOut

    @extend_schema(operation_id="organisations_read")
    def get(self, request, slug):
        organisation = access.organisation_get_readable(request.user, slug)
        return Response(OrganisationOut(organisation).data)

    @extend_schema(
        operation_id="organisations_update",
        request=OrganisationUpdateIn,
        responses={200: OrganisationOut},
    )
    def patch(self, request, slug):
        organisation = access.organisation_get_readable(request.user, slug)
        require(access.organisation_can_change(request.user, organisation))
        data = validated(OrganisationUpdateIn, request.data)
        organisation = services.organisation_update(
            actor=request.user,
            organisation=organisation,
            expected_version=data.pop("version"),
            **data,
        )
        return Response(OrganisationOut(organisation).data)

    @extend_schema(
        operation_id="organisations_delete",
        request=None,
        responses={204: None},
        parameters=[OpenApiParameter("version", int, description="The version you read")],
    )
    def delete(self, request, slug):
        organisation = access.organisation_get_readable(request.user, slug)
        require(access.organisation_can_delete(request.user, organisation))
        data = validated(VersionIn, request.query_params)
        services.organisation_delete(
            actor=request.user, organisation=organisation, expected_version=data.get("version")
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema(tags=["organisations"])
class OrganisationMoveApi(generics.GenericAPIView):
    serializer_class = OrganisationOut

    @extend_schema(
        operation_id="organisations_move",
        request=OrganisationMoveIn,
        responses={200: OrganisationOut},
        description=(
            "Places the organisation, with everything below it, under another parent. Needs "
            "the administrator's role on the organisation and on the new parent (a platform "
            "administrator's for the top level). The stored figures of the organisations above "
            "it before and after the move are refreshed. A parent you may not read is refused "
            "as an invalid `parent` (400), one below the organisation itself, or the parent it "
            "has already, with 422."
        ),
    )
    def post(self, request, slug):
        organisation = access.organisation_get_readable(request.user, slug)
        require(access.organisation_can_move(request.user, organisation))
        data = validated(OrganisationMoveIn, request.data)
        parent = None
        if data["parent"] is not None:
            parent = selectors.organisations_readable(request.user).filter(slug=data["parent"])
            parent = parent.first()
            if parent is None:
                raise serializers.ValidationError(
                    {"parent": [_("No organisation with this short name that you may read.")]}
                )
        require(access.organisation_can_move_to(request.user, parent))
        if (parent.pk if parent else None) == organisation.parent_id:
            # As the page and the command say it: nothing would move.
            raise RuleViolation(
                _("%(name)s is already there; choose another place.") % {"name": organisation.name}
            )
        organisation = services.organisation_move(
            actor=request.user,
            organisation=organisation,
            parent=parent,
            expected_version=data["version"],
        )
        return Response(OrganisationOut(organisation).data)


@extend_schema(tags=["memberships"])
class MembershipListApi(generics.GenericAPIView):
    serializer_class = MembershipOut

    @extend_schema(
        operation_id="memberships_list",
        responses={200: MembershipOut(many=True)},
        parameters=[MembershipFiltersIn],
    )
    def get(self, request):
        filters = validated(MembershipFiltersIn, request.query_params)
        organisation = None
        if slug := filters.get("organisation"):
            organisation = access.organisation_get_readable(request.user, slug)
        queryset = selectors.memberships_readable(request.user, organisation)
        if role := filters.get("role"):
            queryset = queryset.filter(role=role)
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(MembershipOut(page, many=True).data)

    @extend_schema(
        operation_id="memberships_create",
        request=MembershipCreateIn,
        responses={201: MembershipOut},
    )
    def post(self, request):
        data = validated(MembershipCreateIn, request.data)
        organisation = access.organisation_get_readable(request.user, data["organisation"])
        require(access.organisation_can_manage_members(request.user, organisation))
        person = services.person_find_or_create(
            email=data["person_email"], full_name=data.get("person_name", "")
        )
        membership = services.membership_create(
            actor=request.user, person=person, organisation=organisation, role=data["role"]
        )
        return Response(MembershipOut(membership).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["memberships"])
@versioned_detail_schema("memberships", MembershipUpdateIn, MembershipOut)
class MembershipDetailApi(VersionedDetailApi):
    serializer_class = MembershipOut
    update_input = MembershipUpdateIn

    def readable(self, person, pk):
        return access.membership_get_readable(person, pk)

    def can_change(self, person, record):
        return access.membership_can_change(person, record)

    def update(self, actor, record, expected_version, **changes):
        return services.membership_update(
            actor=actor, membership=record, expected_version=expected_version, **changes
        )

    def remove(self, actor, record, expected_version):
        services.membership_delete(
            actor=actor, membership=record, expected_version=expected_version
        )


class InvitationOut(CamelSerializer):
    id = serializers.IntegerField()
    email = serializers.EmailField()
    organisation = serializers.SlugField(source="organisation.slug")
    role = serializers.ChoiceField(choices=Role.choices)
    status = serializers.ChoiceField(choices=Invitation.Status.choices)
    invited_by = serializers.EmailField(source="invited_by.email", allow_null=True, default=None)
    created_at = serializers.DateTimeField()
    expires_at = serializers.DateTimeField()
    accepted_at = serializers.DateTimeField(allow_null=True)
    revoked_at = serializers.DateTimeField(allow_null=True)


class InvitationCreateIn(CamelSerializer):
    organisation = serializers.SlugField(max_length=80)
    email = serializers.EmailField(max_length=254)
    role = serializers.ChoiceField(choices=Role.choices)


class InvitationFiltersIn(CamelSerializer):
    organisation = serializers.SlugField(max_length=80, help_text="Short name of the organisation.")


@extend_schema(tags=["memberships"])
class InvitationListApi(generics.GenericAPIView):
    serializer_class = InvitationOut

    @extend_schema(
        operation_id="invitations_list",
        responses={200: InvitationOut(many=True)},
        parameters=[InvitationFiltersIn],
    )
    def get(self, request):
        filters = validated(InvitationFiltersIn, request.query_params)
        organisation = access.organisation_get_readable(request.user, filters["organisation"])
        require(access.organisation_can_manage_members(request.user, organisation))
        page = self.paginate_queryset(selectors.invitations_of(organisation))
        return self.get_paginated_response(InvitationOut(page, many=True).data)

    @extend_schema(
        operation_id="invitations_create",
        request=InvitationCreateIn,
        responses={201: InvitationOut},
        description="Invites the address with the role and e-mails a single-use link.",
    )
    def post(self, request):
        data = validated(InvitationCreateIn, request.data)
        organisation = access.organisation_get_readable(request.user, data["organisation"])
        require(access.organisation_can_manage_members(request.user, organisation))
        invitation, _secret = invitations.invitation_send(
            actor=request.user,
            organisation=organisation,
            email=data["email"],
            role=data["role"],
            language=get_language(),
        )
        return Response(InvitationOut(invitation).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["memberships"])
class InvitationDetailApi(generics.GenericAPIView):
    serializer_class = InvitationOut

    @extend_schema(operation_id="invitations_revoke", request=None, responses={204: None})
    def delete(self, request, pk):
        invitation = access.invitation_get_manageable(request.user, pk)
        invitations.invitation_revoke(actor=request.user, invitation=invitation)
        return Response(status=status.HTTP_204_NO_CONTENT)
