"""The rows as a Django user would model them: expenses with a foreign key to each dimension.

The expense table has the columns of Datasette's copy (`db_column` keeps their names), so both
peers answer from the same shape; departments, projects and members are tables of their own,
keyed by their label (issue 24's resource ids), so `include=` works as DJA's users expect.
Each names its JSON:API type (`JSONAPIMeta.resource_name`).
Indexes: every filter and sort column (the foreign keys get theirs from Django) and
(member, amount), the set compare.py's DATASETTE_INDEXES gives Datasette.
"""

from __future__ import annotations

from django.db import models


class Department(models.Model):
    name = models.CharField(primary_key=True, max_length=200)

    class Meta:
        db_table = "departments"
        ordering = ("name",)

    class JSONAPIMeta:
        resource_name = "departments"


class Project(models.Model):
    name = models.CharField(primary_key=True, max_length=200)

    class Meta:
        db_table = "projects"
        ordering = ("name",)

    class JSONAPIMeta:
        resource_name = "projects"


class Member(models.Model):
    name = models.CharField(primary_key=True, max_length=200)

    class Meta:
        db_table = "members"
        ordering = ("name",)

    class JSONAPIMeta:
        resource_name = "members"


class Expanse(models.Model):
    id = models.IntegerField(primary_key=True)
    date = models.DateField()
    department = models.ForeignKey(Department, models.PROTECT, db_column="departments", related_name="expanses")
    project = models.ForeignKey(Project, models.PROTECT, db_column="project_name", related_name="expanses")
    member = models.ForeignKey(Member, models.PROTECT, db_column="member_name", related_name="expanses")
    amount = models.DecimalField(max_digits=14, decimal_places=2)
    currency = models.CharField(max_length=3)

    class Meta:
        db_table = "expanses"
        ordering = ("id",)
        indexes = [
            models.Index(fields=["amount"], name="expanses_amount"),
            models.Index(fields=["currency"], name="expanses_currency"),
            models.Index(fields=["date"], name="expanses_date"),
            models.Index(fields=["member", "amount"], name="expanses_member_amount"),
        ]

    class JSONAPIMeta:
        resource_name = "expanses"
