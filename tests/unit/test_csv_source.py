"""Loading the CSV: every quirk of the user's format, and every failure with its line."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from data.generate import write_csv
from service.data.csv_source import CsvFormatError, _fast, _parse, load_expenses

HEADER = "departments,project_name,amount,date,member_name\n"


def test_user_format_loads_into_typed_columns(csv_file: Callable[[str], Path]) -> None:
    path = csv_file(HEADER + 'IT,Gaama,"1,200.00€",10/2/2021,Sam\nHR,Mars-NS1,4.00€,1/14/2021,Jennifer\n')
    columns = load_expenses(path)
    assert len(columns) == 2
    assert columns["departments"].to_list() == ["IT", "HR"]
    assert columns["amount"].to_list() == [120_000, 400]
    assert columns["currency"].to_list() == ["EUR", "EUR"]
    assert columns["date"].to_list() == [date(2021, 10, 2), date(2021, 1, 14)]
    assert columns["member_name"].to_list() == ["Sam", "Jennifer"]


def test_bom_crlf_any_column_order_whitespace_and_blank_lines(csv_file: Callable[[str], Path]) -> None:
    text = (
        "\ufeff member_name , date,amount,project_name,departments\r\n"
        "\r\n"
        ' Sam , 10/2/2021 ," 1,200.00€ ", Gaama ,IT\r\n'
        "   \r\n"
        "Ann,1/1/2022,-5.5$,Asterin,HR\r\n"
    )
    columns = load_expenses(csv_file(text))
    assert columns["member_name"].to_list() == ["Sam", "Ann"]
    assert columns["project_name"].to_list() == ["Gaama", "Asterin"]
    assert columns["amount"].to_list() == [120_000, -550]
    assert columns["currency"].to_list() == ["EUR", "USD"]
    assert columns["date"].to_list() == [date(2021, 10, 2), date(2022, 1, 1)]


def test_header_only_file_is_an_empty_collection(csv_file: Callable[[str], Path]) -> None:
    assert len(load_expenses(csv_file(HEADER))) == 0


def test_quoted_newline_keeps_later_line_numbers_right(csv_file: Callable[[str], Path]) -> None:
    text = HEADER + 'IT,"Gaama\nPhase 2",4€,1/1/2021,Sam\nIT,Gaama,4€,2/30/2021,Sam\n'
    with pytest.raises(CsvFormatError) as caught:
        load_expenses(csv_file(text))
    assert caught.value.line == 4


@pytest.mark.parametrize(
    ("text", "line", "reason"),
    [
        ("", 1, "the file is empty"),
        ("departments,project_name,amount,date\nIT,G,4€,1/1/2021\n", 1, "missing column(s) in header: member_name"),
        (HEADER.rstrip() + ",extra\n", 1, "unknown column(s) in header: extra"),
        ("departments,departments,project_name,amount,date,member_name\n", 1, "duplicate column(s) in header"),
        (HEADER + "IT,G,4€,1/1/2021,Sam\nIT,G,1.2.3€,1/1/2021,Sam\n", 3, "amount '1.2.3€' is not a money amount"),
        (HEADER + "IT,G,4€,1/1/2021,Sam\n\nIT,G,€,1/1/2021,Sam\n", 4, "amount '€' is not a money amount"),
        (HEADER + "IT,G,,1/1/2021,Sam\n", 2, "amount is empty"),
        (HEADER + "IT,G,4€,2/30/2021,Sam\n", 2, "date '2/30/2021' does not exist"),
        (HEADER + "IT,G,4€,2021-01-01,Sam\n", 2, "not in M/D/YYYY form"),
        (HEADER + "IT,G,4€,1/1/2021\n", 2, "expected 5 cells like the header, found 4"),
        (HEADER + "IT,G,4€,1/1/2021,Sam,x\n", 2, "expected 5 cells like the header, found 6"),
        (HEADER + "IT,,4€,1/1/2021,Sam\n", 2, "project_name is empty"),
        (HEADER + 'IT,G,4€,1/1/2021,Sam\nIT,"G,4€,1/1/2021,Sam\n', 3, "malformed CSV"),
        (HEADER + "IT,G,4€,1/1/2021,Sam\nIT,G," + "9" * 200_000 + "€,1/1/2021,Sam\n", 3, "malformed CSV"),
    ],
)
def test_bad_files_stop_with_line_and_reason(
    csv_file: Callable[[str], Path], text: str, line: int, reason: str
) -> None:
    path = csv_file(text)
    with pytest.raises(CsvFormatError) as caught:
        load_expenses(path)
    assert caught.value.line == line
    assert reason in caught.value.reason
    assert str(caught.value) == f"{path}, line {line}: {caught.value.reason}"


def test_the_earliest_bad_row_is_reported_whatever_its_column(csv_file: Callable[[str], Path]) -> None:
    text = HEADER + "IT,G,4€,1/1/2021,Sam\nIT,G,4€,2/30/2021,Sam\nIT,G,bad,1/1/2021,Sam\n"
    with pytest.raises(CsvFormatError) as caught:
        load_expenses(csv_file(text))
    assert caught.value.line == 3


def test_invalid_utf8_names_its_line(csv_file: Callable[[str], Path], tmp_path: Path) -> None:
    path = tmp_path / "latin1.csv"
    path.write_bytes((HEADER + "IT,G,4€,1/1/2021,Sam\n").encode() + "IT,Gäa,4,1/1/2021,Sam\n".encode("latin-1"))
    with pytest.raises(CsvFormatError, match="line 3: not valid UTF-8"):
        load_expenses(path)


def test_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(CsvFormatError, match="cannot read the file"):
        load_expenses(tmp_path / "absent.csv")


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_the_fast_reader_and_the_exact_loader_agree(tmp_path: Path, newline: str) -> None:
    path = tmp_path / "generated.csv"
    write_csv(path, 3_000, seed=5)
    raw = path.read_bytes().replace(b"\n", newline.encode())
    fast = _fast(path, raw)
    assert fast is not None, "a clean file must take the fast path"
    exact = _parse(path, raw.decode())
    assert fast.values.keys() == exact.values.keys()
    for name in exact.values:
        assert fast[name].equals(exact[name], check_dtypes=True, check_names=False), name


def test_the_fast_reader_steps_aside_for_what_only_the_exact_loader_numbers(csv_file: Callable[[str], Path]) -> None:
    for text in (HEADER + "IT,G,4€,1/1/2021,Sam\n\nIT,G,4€,1/1/2021,Sam\n", HEADER + 'IT,"G\nH",4€,1/1/2021,Sam\n'):
        path = csv_file(text)
        assert _fast(path, path.read_bytes()) is None
