import pytest

from domain.contact_details import display_phone, parse_email, parse_phone

MOBILE = "+212612345678"


@pytest.mark.parametrize(
    "text",
    [
        "0612345678",
        "06 12 34 56 78",
        "06-12-34-56-78",
        "06.12.34.56.78",
        "06/12/34/56/78",
        "+212612345678",
        "+212 6 12 34 56 78",
        "+212-612-345678",
        "00212612345678",
        "00 212 6 12 34 56 78",
        "212612345678",
        "+212 (0)6 12 34 56 78",
        "+2120612345678",
        "٠٦١٢٣٤٥٦٧٨",
        "۰۶۱۲۳۴۵۶۷۸",
        "+٢١٢٦١٢٣٤٥٦٧٨",
        "\u200e+212 612 345 678\u200f",
        "\u202a0612345678\u202c",
        "  0612345678  ",
        "06\u00a012\u00a034\u00a056\u00a078",
        "(+212) 612345678",
        "(+212) 6 12 34 56 78",
        "(+212)612345678",
        "(00212) 612345678",
        "(06) 12 34 56 78",
        "+212.6.12.34.56.78",
        "00212 (0) 612345678",
        "+212 612-345-678",
        "0 6 12 34 56 78",
        "06 1234 5678",
        "612345678",
        "+212 6 12 34 56 78 ",
    ],
)
def test_parse_moroccan_mobile(text: str) -> None:
    assert parse_phone(text) == MOBILE


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("0536 68 12 34", "+212536681234"),
        ("05 36 50 12 34", "+212536501234"),
        ("0522 12 34 56", "+212522123456"),
        ("0537123456", "+212537123456"),
        ("0712345678", "+212712345678"),
        ("+33 6 12 34 56 78", "+33612345678"),
        ("0033 6 12 34 56 78", "+33612345678"),
        ("+34 612 34 56 78", "+34612345678"),
        ("+1 650 253 0000", "+16502530000"),
    ],
)
def test_parse_other_numbers(text: str, expected: str) -> None:
    assert parse_phone(text) == expected


def test_parse_in_other_default_region() -> None:
    assert parse_phone("06 12 34 56 78", default_region="FR") == "+33612345678"


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "abc",
        "06123456",
        "061234567890123",
        "06 12 34 56 7a",
        "0800FLOWERS",
        "0612345678 ext 12",
        "0612345678#12",
        "tel:+212612345678",
        "+212 0000 000",
        "0536 12 34 56",
        "+33 1",
        "0000000000",
        "++212612345678",
        "06+12345678",
        "1" * 300,
        "-0612345678",
        "- 0612345678",
        "0612345678-",
        ".0612345678",
        "/0612345678",
        "0612345678/",
        ")0612345678",
        "(+212)",
        "(+212",
        "+(212) 612345678 (",
        "06--12--34--56--78",
        "06 12 34 56 78 / 05 36 12 34 56",
    ],
)
def test_rejects(text: str) -> None:
    assert parse_phone(text) is None


@pytest.mark.parametrize(
    ("e164", "expected"),
    [
        (MOBILE, "+212 6 12 34 56 78"),
        ("+212536681234", "+212 5 36 68 12 34"),
        ("+33612345678", "+33 6 12 34 56 78"),
    ],
)
def test_display_phone(e164: str, expected: str) -> None:
    assert display_phone(e164) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ahmed.benali@gmail.com", "ahmed.benali@gmail.com"),
        ("Ahmed.Benali@Gmail.COM", "Ahmed.Benali@gmail.com"),
        ("  contact@commune-berkane.ma  ", "contact@commune-berkane.ma"),
        ("\u200econtact@oujda.ma\u200f", "contact@oujda.ma"),
        ("f.zahra+remacto@sub.domain.gov.ma", "f.zahra+remacto@sub.domain.gov.ma"),
        ("أحمد@example.ma", "أحمد@example.ma"),
    ],
)
def test_parse_email(text: str, expected: str) -> None:
    assert parse_email(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "ahmed",
        "ahmed@",
        "@gmail.com",
        "ahmed@gmail",
        "ahmed@localhost",
        "ahmed@@gmail.com",
        "a..b@gmail.com",
        "ahmed benali@gmail.com",
        "Ahmed <ahmed@gmail.com>",
        "ahmed@gmail.com.",
        "ahmed@[127.0.0.1]",
        "a@" + "b" * 63 + "." + ("c" * 63 + ".") * 3 + "ma",
        "a" * 245 + "@gmail.com",
    ],
)
def test_parse_email_rejects(text: str) -> None:
    assert parse_email(text) is None
