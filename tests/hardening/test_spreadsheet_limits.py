"""A 199 KB spreadsheet with one 200 MB cell is refused before anything holds the cell in
memory; problem reports keep a short excerpt of each value and the first 1,000 problems."""

import io
import tracemalloc
import zipfile

import openpyxl
import pytest
import tablib
from django.core.files.uploadedfile import SimpleUploadedFile

from omslag.common.tabular.formats import MAX_CELL_BYTES, FileProblem, read_table
from omslag.common.tabular.importing import MAX_REPORTED_PROBLEMS
from omslag.exchange import services
from omslag.exchange.models import ImportJob

CELL_BYTES = 200 * 1024 * 1024


def xlsx_with_one_huge_cell(size: int) -> bytes:
    """An XLSX with one cell of ``size`` bytes, written into the zip in chunks."""
    book = openpyxl.Workbook()
    book.active.append(["slug", "name", "kind"])
    book.active.append(["a", "PLACEHOLDER", "other"])
    plain = io.BytesIO()
    book.save(plain)
    source = zipfile.ZipFile(plain)
    result = io.BytesIO()
    with zipfile.ZipFile(result, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target:
        for info in source.infolist():
            data = source.read(info)
            if b"PLACEHOLDER" not in data:
                target.writestr(info.filename, data)
                continue
            head, tail = data.split(b"PLACEHOLDER")
            with target.open(info.filename, "w", force_zip64=True) as member:
                member.write(head)
                block = b"x" * (1 << 20)
                for _ in range(size // len(block)):
                    member.write(block)
                member.write(tail)
    return result.getvalue()


def test_one_200_mb_cell_is_refused_without_holding_it():
    content = xlsx_with_one_huge_cell(CELL_BYTES)
    assert len(content) < 400_000  # a few hundred KB on disk
    tracemalloc.start()
    try:
        with pytest.raises(FileProblem, match="a cell may hold at most 200,000"):
            read_table(io.BytesIO(content), "big.xlsx", max_bytes=20_000_000)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 20 * 1024 * 1024, f"peak {peak / 1e6:.0f} MB"


def test_a_cell_just_within_the_limit_is_read():
    content = xlsx_with_one_huge_cell(0)  # the placeholder removed: an empty name
    table = read_table(io.BytesIO(content), "ok.xlsx", max_bytes=20_000_000)
    assert table.headers == ["slug", "name", "kind"]
    book = openpyxl.Workbook()
    book.active.append(["slug", "name"])
    book.active.append(["a", "y" * 32_767])  # the longest cell Excel allows
    plain = io.BytesIO()
    book.save(plain)
    rows = list(read_table(io.BytesIO(plain.getvalue()), "ok.xlsx", max_bytes=20_000_000).rows)
    assert rows == [(2, ["a", "y" * 32_767])]


def test_ods_has_the_same_cell_limit():
    data = tablib.Dataset(("a", "z" * (MAX_CELL_BYTES + 10)), headers=["slug", "name"])
    with pytest.raises(FileProblem, match="a cell may hold at most"):
        read_table(io.BytesIO(data.export("ods")), "big.ods", max_bytes=20_000_000)


def test_a_broken_zip_is_a_file_problem():
    with pytest.raises(FileProblem, match="not a readable XLSX file"):
        read_table(io.BytesIO(b"PK\x03\x04 broken"), "x.xlsx", max_bytes=20_000_000)


def test_reports_keep_an_excerpt_of_each_value_and_the_first_1000_problems(tree):
    ministry, *_ = tree
    long_kind = "k" * 100_000
    rows = [f"s{i},Naam {i},{long_kind if i == 0 else 'spaceship'}" for i in range(1500)]
    content = ("slug,name,kind\n" + "\n".join(rows) + "\n").encode()
    job = services.import_job_check(
        actor=None,
        organisation=ministry,
        kind="organisations",
        upload=SimpleUploadedFile("orgs.csv", content),
    )
    report = ImportJob.objects.get(pk=job.pk).report
    assert report["problems_total"] == 1500
    assert len(report["problems"]) == MAX_REPORTED_PROBLEMS
    first = report["problems"][0]
    assert (first["row"], first["column"]) == (2, "kind")
    assert first["value"].startswith("k" * 100) and len(first["value"]) < 200
    assert "100,000 characters" in first["value"]
