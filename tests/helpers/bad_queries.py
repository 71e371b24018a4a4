"""Every bad query we know of, in one table: what it is, which parameter its 400 names, and where.

A row is refused on each of its `paths` (every path unless it says otherwise) with a 400
"Invalid query parameter" whose `source.parameter` is `parameter`. `words` are part of the
detail on `words_on`, the path whose reading of the query the row is about (other paths word
their refusal their own way: `/expanses/1` "Supported here: fields[type], include", `/health`
"/health takes no query parameters"). Expected values come from docs/api.md, never from the service.
The paths are one of each kind: the collections (`/expanses`, `/aggregates`, `/members`), one
record, one label, a label's records, an expanse's related resource and its relationship.

Run by tests/contract/test_bad_queries.py (every row, every path, in-process and over HTTP),
and by tests/unit/test_query.py (the rows read by `/expanses`, through the parser alone).
To add a case, add a line.
"""

from __future__ import annotations

from dataclasses import dataclass

EXPANSES, RECORD, AGGREGATES = "/expanses", "/expanses/1", "/aggregates"
MEMBERS, MEMBER, RELATED = "/members", "/members/Sam", "/members/Sam/expanses"
RELATED_MEMBER, LINKAGE = "/expanses/1/member", "/expanses/1/relationships/member"
#: Paths that read no query parameters: any parameter is a 400 naming it.
PLAIN = ("/", "/health", "/openapi.json", "/openapi.yaml", "/docs", "/docs/", "/docs/swagger-ui.css")
EVERY_PATH = (EXPANSES, RECORD, AGGREGATES, MEMBERS, MEMBER, RELATED, RELATED_MEMBER, LINKAGE, *PLAIN)
#: Where `include` and `fields[members]` are read: the expanses' documents.
INCLUDING = (EXPANSES, RECORD, RELATED)
#: Where members are rendered, so `fields[members]` applies.
MEMBERS_SHOWN = (*INCLUDING, MEMBERS, MEMBER, RELATED_MEMBER)


def but(*fine: str) -> tuple[str, ...]:
    """Every path but those where the query is a good one."""
    return tuple(path for path in EVERY_PATH if path not in fine)


@dataclass(frozen=True)
class BadQuery:
    query: str  # as sent after `?` (percent-encoded where it is)
    parameter: str  # what the 400's source.parameter names
    words: str = ""  # part of the detail on `words_on`
    paths: tuple[str, ...] = EVERY_PATH
    words_on: str = EXPANSES


ONE_HUNDRED_AND_ONE = ",".join(["1"] * 101)

BAD_QUERIES = [
    # Names that are no parameter here.
    BadQuery("foo=1", "foo", "Unknown query parameter"),
    BadQuery("Filter=1", "Filter", "Unknown query parameter"),
    BadQuery("by=departments", "by", "Unknown query parameter"),
    BadQuery("group_by=departments", "group_by", "Unknown query parameter", paths=but(AGGREGATES)),
    # include: one relationship name per path, on the expanses' documents only.
    BadQuery("include=anything", "include", "Cannot include 'anything'"),
    BadQuery("include=expanses", "include", "can include department, project, member"),
    BadQuery("include=member.expanses", "include", "one relationship long"),
    BadQuery("include=member.member", "include", "one relationship long"),
    BadQuery("include=member,", "include", "Cannot include ''"),
    BadQuery("include=Member", "include", "Cannot include 'Member'"),
    BadQuery("include[member]=1", "include[member]", "Malformed"),
    BadQuery("include=member", "include", "not supported here", paths=but(*INCLUDING), words_on=AGGREGATES),
    BadQuery("include=", "include", "not supported here", paths=but(*INCLUDING), words_on=MEMBERS),
    BadQuery('filter=[{"name":"amount","op":"gte","val":1}]', "filter", "expected filter[field]"),
    BadQuery("filter[]=x", "filter[]", "expected filter[field]"),
    BadQuery("filter[amount][gte][x]=1", "filter[amount][gte][x]", "Malformed"),
    BadQuery("sort[x]=amount", "sort[x]", "Malformed"),
    BadQuery("fields=amount", "fields", "Malformed"),
    BadQuery("page=1", "page", "Malformed"),
    BadQuery("page[offset]=1", "page[offset]", "Malformed"),
    BadQuery("page[cursor]=abc", "page[cursor]"),
    BadQuery("group_by[x]=departments", "group_by[x]"),
    # Filters: fields, operators, values.
    BadQuery("filter[nope]=1", "filter[nope]", "Cannot filter on 'nope'"),
    BadQuery("filter[median][gte]=1", "filter[median][gte]"),
    BadQuery("filter[total][gte]=50000", "filter[total][gte]", paths=but(AGGREGATES)),  # metrics: /aggregates only
    BadQuery("filter[count]=3", "filter[count]", paths=but(AGGREGATES)),
    BadQuery("filter[amount]=4", "filter[amount]", paths=but(EXPANSES, AGGREGATES, RELATED)),  # not on one record
    BadQuery("filter[name]=Sam", "filter[name]", "Cannot filter on 'name'", paths=but(MEMBERS)),
    BadQuery("filter[name][gte]=", "filter[name][gte]", "needs a value", words_on=MEMBERS),
    BadQuery("filter[totals]=1", "filter[totals]", "Cannot filter on 'totals'", words_on=MEMBERS),
    BadQuery("filter[amount][like]=1", "filter[amount][like]", "Unknown operator 'like'"),
    BadQuery("filter[total][like]=1", "filter[total][like]"),
    BadQuery("filter[amount][contains]=4", "filter[amount][contains]", "text fields only"),
    BadQuery("filter[total][contains]=1", "filter[total][contains]"),
    BadQuery("filter[date][starts_with]=2021", "filter[date][starts_with]"),
    BadQuery("filter[amount][gte]=abc", "filter[amount][gte]", "not an amount"),
    BadQuery("filter%5Bamount%5D%5Bgte%5D=abc", "filter[amount][gte]"),
    BadQuery("filter[amount]=1.234", "filter[amount]", "not an amount"),
    BadQuery("filter[amount]=1,200", "filter[amount]", "not an amount"),
    BadQuery("filter[amount]=NaN", "filter[amount]", "not an amount"),
    BadQuery("filter[amount]=Infinity", "filter[amount]", "not an amount"),
    BadQuery("filter[amount]=1e400", "filter[amount]", "not an amount"),
    BadQuery("filter[amount]=" + "9" * 16, "filter[amount]", "not an amount"),
    BadQuery("filter[total][gte]=abc", "filter[total][gte]"),
    BadQuery("filter[average][lt]=1.234", "filter[average][lt]"),
    BadQuery("filter[count][gt]=1.5", "filter[count][gt]"),
    BadQuery("filter[count][gt]=-1", "filter[count][gt]"),
    BadQuery("filter[date][lt]=2021-02-30", "filter[date][lt]", "not a date"),
    BadQuery("filter[date]=2/1/2021", "filter[date]", "not a date"),
    BadQuery("filter[date]=20210201", "filter[date]", "not a date"),
    BadQuery("filter[date_month]=2021-3", "filter[date_month]", "'2021-3' is not a month; use YYYY-MM, like 2021-03."),
    BadQuery("filter[date_month]=March", "filter[date_month]", "use YYYY-MM"),
    BadQuery("filter[date_month][in]=2021-03,2021-3", "filter[date_month][in]", "'2021-3' is not a month"),
    BadQuery("filter[date_quarter]=2021-Q5", "filter[date_quarter]", "use YYYY-Qn (n from 1 to 4), like 2021-Q1."),
    BadQuery("filter[date_week][gte]=2021-W7", "filter[date_week][gte]", "use YYYY-Www (ISO week 01 to 53)"),
    BadQuery("filter[date_year]=21", "filter[date_year]", "'21' is not a year; use YYYY, like 2021."),
    BadQuery("filter[date_year][nin]=2021,", "filter[date_year][nin]", "empty item"),
    BadQuery("filter[date_month][contains]=03", "filter[date_month][contains]", "text fields only"),
    BadQuery("filter[date_week][starts_with]=2021", "filter[date_week][starts_with]", "text fields only"),
    BadQuery("filter[date_year][ieq]=2021", "filter[date_year][ieq]", "text fields only"),
    BadQuery("filter[amount][ieq]=4", "filter[amount][ieq]", "text fields only"),
    BadQuery("filter[total][ieq]=4", "filter[total][ieq]"),
    BadQuery("filter[member_name][ieq]=", "filter[member_name][ieq]", "needs a value"),
    BadQuery("filter[date_day]=2021-03-01", "filter[date_day]", "Cannot filter on 'date_day'"),
    BadQuery("filter[id]=x", "filter[id]"),
    BadQuery("filter[id]=0", "filter[id]", "not an id"),
    BadQuery("filter[id]=01", "filter[id]", "not an id"),
    BadQuery("filter[member_name]=", "filter[member_name]", "needs a value"),
    BadQuery("filter[member_name][in]=", "filter[member_name][in]", "needs a value"),
    BadQuery("filter[member_name][in]=,", "filter[member_name][in]"),
    BadQuery("filter[member_name][in]=Sam,,Ann", "filter[member_name][in]", "empty item"),
    BadQuery("filter[member_name][nin]=Sam,,Ann", "filter[member_name][nin]"),
    BadQuery("filter[min][in]=1,,2", "filter[min][in]"),
    BadQuery("filter[max]=", "filter[max]"),
    BadQuery("filter[id][in]=" + ONE_HUNDRED_AND_ONE, "filter[id][in]", "at most 100"),
    BadQuery("filter[id][nin]=" + ONE_HUNDRED_AND_ONE, "filter[id][nin]"),
    # Sort.
    BadQuery("sort=nope", "sort", "Cannot sort on 'nope'"),
    BadQuery("sort=-nope,amount", "sort"),
    BadQuery("sort=", "sort", "Cannot sort on ''"),
    BadQuery("sort=amount,,date", "sort", "Cannot sort on ''"),
    BadQuery("sort=amount&sort=date", "sort", "2 times"),
    BadQuery("sort=amount", "sort", paths=but(EXPANSES, RELATED)),  # /aggregates sorts on what it groups by
    BadQuery("sort=name", "sort", paths=but(MEMBERS)),
    BadQuery("sort=-totals", "sort", "Cannot sort on '-totals'", words_on=MEMBERS),
    BadQuery("sort=member", "sort", "Cannot sort on 'member'"),
    BadQuery("sort=-date_month", "sort", "Cannot sort on '-date_month'"),  # /expanses: sort by date
    BadQuery(
        "group_by=departments&sort=member_name",
        "sort",
        "Cannot sort on 'member_name'",
        paths=(AGGREGATES,),  # elsewhere group_by is the bad one
        words_on=AGGREGATES,
    ),
    BadQuery("group_by=departments&sort=nope", "sort", paths=(AGGREGATES,)),
    # Sparse fieldsets.
    BadQuery("fields[expanses]=nope", "fields[expanses]", "not a field of expanses"),
    BadQuery("fields[expanses]=amount,", "fields[expanses]", "not a field of expanses"),
    BadQuery("fields[expanses]=id", "fields[expanses]", "not a field of expanses"),
    BadQuery("fields[expanses]=amount", "fields[expanses]", paths=but(*INCLUDING)),
    BadQuery("fields[expanses]=member.name", "fields[expanses]", "not a field of expanses"),
    BadQuery("fields[expanses]=expanses", "fields[expanses]", "not a field of expanses"),
    BadQuery("fields[members]=nope", "fields[members]", "not a field of members"),
    BadQuery("fields[members]=member_name", "fields[members]", "not a field of members"),
    BadQuery("fields[members]=name", "fields[members]", paths=but(*MEMBERS_SHOWN)),
    BadQuery("fields[departments]=totals", "fields[departments]", paths=but(*INCLUDING)),
    BadQuery("fields[aggregates]=nope", "fields[aggregates]"),
    BadQuery("fields[people]=name", "fields[people]", "Unknown type 'people'"),
    # Pages.
    BadQuery("page[number]=0", "page[number]", "from 1 to"),
    BadQuery("page[number]=-1", "page[number]", "from 1 to"),
    BadQuery("page[number]=abc", "page[number]", "from 1 to"),
    BadQuery("page[number]=1000000001", "page[number]", "from 1 to"),
    BadQuery("page[size]=0", "page[size]", "from 1 to 1000"),
    BadQuery("page[size]=1001", "page[size]", "from 1 to 1000"),
    BadQuery("page[size]=-5", "page[size]"),
    BadQuery("page[size]=%D9%A3", "page[size]", "from 1 to 1000"),  # an Arabic-Indic three
    BadQuery("page[size]=2", "page[size]", paths=but(EXPANSES, AGGREGATES, MEMBERS, RELATED)),  # not on one record
    BadQuery("page[after]=x", "page[after]", "not a cursor this API gave", words_on=RELATED),
    BadQuery("page[before]=WyJ4Il0", "page[before]", "made for another sort", words_on=RELATED),
    # Groups.
    BadQuery("group_by=amount", "group_by", "Cannot group by 'amount'", words_on=AGGREGATES),
    BadQuery("group_by=foo", "group_by"),
    BadQuery("group_by=departments,departments", "group_by", "twice", words_on=AGGREGATES),
    BadQuery("group_by=", "group_by", "Cannot group by ''", words_on=AGGREGATES),
    BadQuery("group_by=departments,", "group_by"),
    BadQuery("group_by=date.month", "group_by"),
    BadQuery("group_by=date_weeks", "group_by"),
]
