"""Read-only DJA viewsets: filters and sorts on every raced column, a join per requested include."""

from __future__ import annotations

from rest_framework_json_api import views

from .models import Department, Expanse, Member, Project
from .serializers import DepartmentSerializer, ExpanseSerializer, MemberSerializer, ProjectSerializer

_NUMBER_LOOKUPS = ("exact", "gt", "gte", "lt", "lte")


class ExpanseViewSet(views.ReadOnlyModelViewSet):
    queryset = Expanse.objects.all()
    serializer_class = ExpanseSerializer
    # `filter[amount.gte]=1400`, `filter[member]=Sam` (a member's id is its name), ...
    filterset_fields = {
        "amount": _NUMBER_LOOKUPS,
        "date": _NUMBER_LOOKUPS,
        "currency": ("exact",),
        "department": ("exact",),
        "project": ("exact",),
        "member": ("exact",),
    }
    ordering_fields = ("id", "amount", "date", "currency", "department", "project", "member")
    ordering = ("id",)
    select_for_includes = {
        "department": ["department"],
        "project": ["project"],
        "member": ["member"],
    }


class DepartmentViewSet(views.ReadOnlyModelViewSet):
    queryset = Department.objects.all()
    serializer_class = DepartmentSerializer


class ProjectViewSet(views.ReadOnlyModelViewSet):
    queryset = Project.objects.all()
    serializer_class = ProjectSerializer


class MemberViewSet(views.ReadOnlyModelViewSet):
    queryset = Member.objects.all()
    serializer_class = MemberSerializer
