"""Reading an HR export: the file's bytes (within the size limit), its text (UTF-8 or Excel's
UTF-16, never a workbook or binary data), its delimiter and its header, split into rows of the
columns the importer knows. What cannot be read becomes an ``ImportRowError``, never an exception.
"""

import csv
import io
import re
from dataclasses import dataclass, field
from typing import IO

from django.conf import settings

COLUMNS = (
    "employee_id",
    "email",
    "username",
    "display_name",
    "title",
    "department",
    "location",
    "country",
    "timezone",
    "manager_employee_id",
    "phone",
    "start_date",
    "skills",
    "languages",
    "pronouns",
    "role",
)
LIST_SEPARATOR = ";"
DELIMITERS = (",", ";", "\t")

type ImportFile = bytes | IO[bytes]


@dataclass(frozen=True)
class ImportRowError:
    """One problem: ``row`` as a spreadsheet numbers it (header = 1; None for the whole file)."""

    row: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        if self.row is None:
            return self.message
        if self.column:
            return f"row {self.row}, column {self.column}: {self.message}"
        return f"row {self.row}: {self.message}"


@dataclass
class Row:
    number: int  # as a spreadsheet shows it: the header is row 1
    cells: dict[str, str]  # known columns of the header -> stripped text


@dataclass
class ParsedFile:
    columns: tuple[str, ...]
    rows: list[Row]
    errors: list[ImportRowError]
    warnings: list[str] = field(default_factory=list)


def read_limited(file: ImportFile) -> tuple[bytes | None, ImportRowError | None]:
    """The file's bytes, or an error when it is larger than settings.IMPORT_MAX_BYTES."""
    limit = settings.IMPORT_MAX_BYTES
    too_big = ImportRowError(
        None,
        None,
        f"The file is larger than {limit // (1024 * 1024) or 1} MB "
        f"({limit:,} bytes); split it into several files.",
    )
    if isinstance(file, bytes | bytearray | memoryview):
        data = bytes(file)
    else:
        size = getattr(file, "size", None)
        if isinstance(size, int) and size > limit:
            return None, too_big
        if hasattr(file, "seek"):
            file.seek(0)
        data = file.read(limit + 1)
        if isinstance(data, str):  # a text-mode file: treat it as the UTF-8 it came from
            data = data.encode("utf-8", errors="surrogatepass")
    if len(data) > limit:
        return None, too_big
    return data, None


def _decode(data: bytes) -> tuple[str | None, str | None]:
    """The text of the file, or why it is not a CSV file."""
    not_csv = (
        "This is not a CSV file: it contains binary data. In your spreadsheet choose "
        "Save as / Download as “CSV UTF-8” and upload that file."
    )
    if data.startswith(b"PK\x03\x04"):
        return None, (
            "This looks like an Excel or OpenDocument workbook, not a CSV file. "
            "Save it as “CSV UTF-8” and upload that file."
        )
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16 "Unicode text" from Excel
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError:
            return None, not_csv
    else:
        if b"\x00" in data:
            return None, not_csv
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            line = data[: exc.start].count(b"\n") + 1
            return None, (
                f"The file is not UTF-8 text (first bad byte on line {line}). "
                "Save it as “CSV UTF-8” and upload it again."
            )
    text = text.removeprefix("\ufeff")
    controls = sum(1 for ch in text[:10000] if ord(ch) < 32 and ch not in "\t\r\n")
    if "\x00" in text or controls > max(3, len(text[:10000]) // 100):
        return None, not_csv
    return text, None


def _header_key(name: str) -> str:
    return re.sub(r"[\s\-]+", "_", name.strip().casefold())


def _sniff_delimiter(text: str) -> str:
    """The delimiter that makes the most known column names out of the header line."""
    first_line = text.lstrip("\r\n").split("\n", 1)[0]
    best, best_score = ",", (-1, -1)
    for delimiter in DELIMITERS:
        try:
            header = next(csv.reader([first_line], delimiter=delimiter), [])
        except csv.Error:
            continue
        known = sum(1 for name in header if _header_key(name) in COLUMNS)
        score = (known, len(header))
        if score > best_score:
            best, best_score = delimiter, score
    return best


def parse_import_file(data: bytes) -> ParsedFile:
    """Split the file into rows of known columns; structural problems become errors."""
    text, problem = _decode(data)
    if text is None:
        return ParsedFile(columns=(), rows=[], errors=[ImportRowError(None, None, problem or "")])
    if not text.strip():
        return ParsedFile(
            columns=(), rows=[], errors=[ImportRowError(None, None, "The file is empty.")]
        )
    reader = csv.reader(
        io.StringIO(text, newline=""), delimiter=_sniff_delimiter(text), strict=False
    )
    errors: list[ImportRowError] = []
    warnings: list[str] = []
    records: list[tuple[int, list[str]]] = []
    number = 0
    try:
        for number, record in enumerate(reader, start=1):
            records.append((number, record))
    except csv.Error as exc:
        errors.append(ImportRowError(number + 1, None, f"This row cannot be read as CSV ({exc})."))
        return ParsedFile(columns=(), rows=[], errors=errors)
    while records and not any(cell.strip() for cell in records[0][1]):
        records.pop(0)  # blank lines before the header
    if not records:
        return ParsedFile(
            columns=(), rows=[], errors=[ImportRowError(None, None, "The file is empty.")]
        )
    header_row, header = records[0]
    keys = [_header_key(name) for name in header]
    positions: dict[str, int] = {}
    for index, key in enumerate(keys):
        if not key:
            continue
        if key in positions:
            errors.append(
                ImportRowError(header_row, key, "This column appears twice in the header row.")
            )
        elif key in COLUMNS:
            positions[key] = index
        else:
            warnings.append(
                f"The column “{header[index].strip()}” is not recognised and was ignored."
            )
    missing = [name for name in ("display_name",) if name not in positions]
    if not ({"employee_id", "email"} & positions.keys()):
        missing.append("employee_id or email")
    if missing:
        found = ", ".join(h.strip() for h in header if h.strip()) or "nothing"
        errors.append(
            ImportRowError(
                header_row,
                None,
                f"The header row must name the columns display_name and employee_id or email "
                f"(missing: {', '.join(missing)}; found: {found[:300]}). "
                "See the import guide for the format.",
            )
        )
    if errors:
        return ParsedFile(columns=tuple(positions), rows=[], errors=errors, warnings=warnings)
    rows: list[Row] = []
    for row_number, record in records[1:]:
        if not any(cell.strip() for cell in record):
            continue  # an empty line: spreadsheets show it as an empty row, so it keeps its number
        extra = [cell for cell in record[len(keys) :] if cell.strip()]
        if extra:
            errors.append(
                ImportRowError(
                    row_number,
                    None,
                    f"This row has {len(record)} values but the header has {len(keys)} columns "
                    "(is a value with a comma or semicolon missing its quotes?).",
                )
            )
            continue
        cells = {
            key: (record[index].strip() if index < len(record) else "")
            for key, index in positions.items()
        }
        rows.append(Row(number=row_number, cells=cells))
    if not rows and not errors:
        errors.append(ImportRowError(None, None, "The file has a header row but no people in it."))
    return ParsedFile(columns=tuple(positions), rows=rows, errors=errors, warnings=warnings)
