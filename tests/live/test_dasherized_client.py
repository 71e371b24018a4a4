"""jsonapi-client in its usual style works against a deployment that dasherizes member names.

Why: jsonapi-client writes `Filter(member_name='Sam')` as `filter[member-name]` and reads
`r.member_name` as the attribute `member-name`. Against the default deployment (names as in the
data) both fail; MEMBER_NAME_FORMAT=dasherize is the setting for such clients
(docs/operations.md, docs/decisions/0011-relationships.md). Over gunicorn, as a user runs it.
"""

from __future__ import annotations

from collections.abc import Iterator

import jsonapi_client
import pytest
from jsonapi_client.exceptions import DocumentError

from tests.conftest import SAMPLE_CSV
from tests.helpers.live_server import serving
from tests.helpers.reference import read_rows
from tests.helpers.totals import as_served, totals_by_label


@pytest.fixture(scope="module")
def dasherized() -> Iterator[str]:
    with serving(SAMPLE_CSV, extra_env={"MEMBER_NAME_FORMAT": "dasherize"}) as server:
        yield server.base


def test_filter_and_attribute_access_in_the_clients_usual_style(dasherized: str) -> None:
    rows = [row for row in read_rows(SAMPLE_CSV) if row.member_name == "Sam"]
    with jsonapi_client.Session(dasherized) as session:
        records = list(session.iterate("expanses", jsonapi_client.Filter(member_name="Sam")))  # every page
        assert [record.id for record in records] == [str(row.id) for row in rows]
        assert [(record.member_name, record.project_name) for record in records] == [
            (row.member_name, row.project_name) for row in rows
        ]
        first = session.get("expanses", jsonapi_client.Filter(member_name="Sam") + jsonapi_client.Inclusion("member"))
        member = first.resources[0].member
        assert (member.id, as_served(member.totals)) == ("Sam", totals_by_label(rows, "members")["Sam"])


def test_the_default_deployment_refuses_that_style() -> None:
    """The reason for the setting: with names as in the data the same call is a 400, and `member_name`
    is read by item, not as an attribute."""
    with serving(SAMPLE_CSV) as server, jsonapi_client.Session(server.base) as session:
        with pytest.raises(DocumentError) as caught:
            session.get("expanses", jsonapi_client.Filter(member_name="Sam"))
        assert caught.value.errors["status_code"] == 400
        record = session.get("expanses", jsonapi_client.Modifier("filter[member_name]=Sam")).resources[0]
        assert record["member_name"] == "Sam"
        with pytest.raises(AttributeError):
            _ = record.member_name
