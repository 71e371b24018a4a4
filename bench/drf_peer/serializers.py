"""DJA's ModelSerializer for each resource; an expense names what `include=` may bring along."""

from __future__ import annotations

from rest_framework_json_api import serializers

from .models import Department, Expanse, Member, Project


class DepartmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Department
        fields = ("name",)


class ProjectSerializer(serializers.ModelSerializer):
    class Meta:
        model = Project
        fields = ("name",)


class MemberSerializer(serializers.ModelSerializer):
    class Meta:
        model = Member
        fields = ("name",)


class ExpanseSerializer(serializers.ModelSerializer):
    included_serializers = {
        "department": DepartmentSerializer,
        "project": ProjectSerializer,
        "member": MemberSerializer,
    }

    class Meta:
        model = Expanse
        fields = ("date", "amount", "currency", "department", "project", "member")
