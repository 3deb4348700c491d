"""Generate ``units.csv``: the sample province, Phetchabun (เพชรบูรณ์).

Run ``python tidtam/samples/make_units.py`` to rewrite ``units.csv`` next to this
script. The output is deterministic (a seeded generator), so running it again gives the
same bytes; a test checks that the shipped file matches. The package never imports this
script: it only reads the CSV.

The agencies and districts are real; the schools, their names and their codes are
invented but follow the usual patterns (บ้าน..., ชุมชน..., วัด..., อนุบาล...,
...วิทยา, ...พิทยาคม) and the ministry's 10-digit code shape (1067xxxxxx).
"""

from __future__ import annotations

import csv
import io
import random
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

SEED = 2567
HEADER = ("code", "name", "kind", "parent_code", "district")
OUTPUT = Path(__file__).resolve().parent / "units.csv"

# The eleven districts with real sub-district (tambon) names, which also name villages.
TAMBONS: dict[str, tuple[str, ...]] = {
    "เมืองเพชรบูรณ์": (
        "ตะเบาะ",
        "บ้านโตก",
        "สะเดียง",
        "ป่าเลา",
        "นางั่ว",
        "ท่าพล",
        "ดงมูลเหล็ก",
        "บ้านโคก",
        "ชอนไพร",
        "นาป่า",
        "นายม",
        "วังชมภู",
        "น้ำร้อน",
        "ห้วยสะแก",
        "ห้วยใหญ่",
        "ระวิง",
    ),
    "ชนแดน": (
        "ดงขุย",
        "ท่าข้าม",
        "พุทธบาท",
        "ลาดแค",
        "บ้านกล้วย",
        "ซับพุทรา",
        "ตะกุดไร",
        "ศาลาลาย",
    ),
    "วังโป่ง": ("ท้ายดง", "ซับเปิบ", "วังหิน", "วังศาล"),
    "หล่มสัก": (
        "วัดป่า",
        "ตาลเดี่ยว",
        "ฝายนาแซง",
        "หนองสว่าง",
        "น้ำเฮี้ย",
        "สักหลง",
        "ท่าอิบุญ",
        "บ้านโสก",
        "บ้านติ้ว",
        "ห้วยไร่",
        "น้ำก้อ",
        "ปากช่อง",
        "น้ำชุน",
        "หนองไขว่",
        "ลานบ่า",
        "บุ่งคล้า",
        "บุ่งน้ำเต้า",
        "ช้างตะลูด",
        "ปากดุก",
        "บ้านหวาย",
    ),
    "หล่มเก่า": ("นาซำ", "หินฮาว", "บ้านเนิน", "ศิลา", "นาแซง", "วังบาล", "นาเกาะ", "ตาดกลอย"),
    "น้ำหนาว": ("หลักด่าน", "วังกวาง", "โคกมน"),
    "เขาค้อ": ("ทุ่งสมอ", "แคมป์สน", "ริมสีม่วง", "สะเดาะพง", "หนองแม่นา", "เข็กน้อย"),
    "วิเชียรบุรี": (
        "ท่าโรง",
        "สระประดู่",
        "สามแยก",
        "โคกปรง",
        "บ่อรัง",
        "พุเตย",
        "พุขาม",
        "ภูน้ำหยด",
        "ซับสมบูรณ์",
        "บึงกระจับ",
        "วังใหญ่",
        "ยางสาว",
        "ซับน้อย",
    ),
    "ศรีเทพ": ("สระกรวด", "คลองกระจัง", "นาสนุ่น", "โคกสะอาด", "หนองย่างทอย", "ประดู่งาม"),
    "หนองไผ่": (
        "กองทูล",
        "นาเฉลียง",
        "บ้านโภชน์",
        "ท่าแดง",
        "เพชรละคร",
        "บ่อไทย",
        "ห้วยโป่ง",
        "วังท่าดี",
        "บัววัฒนา",
        "วังโบสถ์",
        "ยางงาม",
        "ท่าด้วง",
    ),
    "บึงสามพัน": (
        "ซับสมอทอด",
        "ซับไม้แดง",
        "หนองแจง",
        "กันจุ",
        "วังพิกุล",
        "พญาวัง",
        "ศรีมงคล",
        "สระแก้ว",
    ),
}

# Primary service areas and how many schools each district gets.
ESA_DISTRICTS: dict[int, dict[str, int]] = {
    1: {"เมืองเพชรบูรณ์": 46, "ชนแดน": 24, "วังโป่ง": 11},
    2: {"หล่มสัก": 42, "หล่มเก่า": 21, "น้ำหนาว": 8, "เขาค้อ": 14},
    3: {"วิเชียรบุรี": 29, "ศรีเทพ": 14, "หนองไผ่": 24, "บึงสามพัน": 14},
}
ESA_SEAT = {1: "เมืองเพชรบูรณ์", 2: "หล่มสัก", 3: "วิเชียรบุรี"}
SECONDARY_PER_DISTRICT: dict[str, int] = {
    "เมืองเพชรบูรณ์": 5,
    "ชนแดน": 3,
    "วังโป่ง": 2,
    "หล่มสัก": 4,
    "หล่มเก่า": 2,
    "น้ำหนาว": 1,
    "เขาค้อ": 2,
    "วิเชียรบุรี": 3,
    "ศรีเทพ": 2,
    "หนองไผ่": 3,
    "บึงสามพัน": 2,
}

VILLAGE_HEADS = (
    "หนอง",
    "ห้วย",
    "โคก",
    "นา",
    "วัง",
    "ซับ",
    "ดง",
    "ท่า",
    "บ่อ",
    "โป่ง",
    "ป่า",
    "ไร่",
    "น้ำ",
    "เขา",
    "ทุ่ง",
    "คลอง",
    "หิน",
    "ลาน",
    "สระ",
    "ภู",
)
VILLAGE_TAILS = (
    "ใหญ่",
    "น้อย",
    "ใหม่",
    "แดง",
    "ขาม",
    "บัว",
    "ไผ่",
    "ทอง",
    "สะแก",
    "ตะเคียน",
    "กระทิง",
    "เตย",
    "ยาง",
    "มะขาม",
    "ไทร",
    "โพธิ์",
    "ตาล",
    "งิ้ว",
    "แจง",
    "ปรง",
    "ทราย",
    "เหล็ก",
    "ขี้เหล็ก",
    "มะนาว",
    "กระโดน",
    "ชมพู",
    "ลำดวน",
    "สำราญ",
    "เจริญ",
    "พัฒนา",
    "คล้า",
    "หว้า",
    "แก",
    "กุ่ม",
    "หมี",
    "เสือ",
    "ม่วง",
    "สะอาด",
    "นกยูง",
    "ไม้ซุง",
)
TAMBON_TAILS = ("", "ใต้", "เหนือ", "ใหม่", "น้อย", "พัฒนา", "กลาง")
TEMPLES = (
    "ไตรภูมิ",
    "มหาธาตุ",
    "โพธิ์ทอง",
    "ศรีมงคล",
    "ประตูดาว",
    "เพชรวราราม",
    "ศรีสุมังค์",
    "สว่างอารมณ์",
    "โพธิ์ศรี",
    "ป่าแดง",
    "บูรพาราม",
    "สระแก้ว",
    "ทุ่งธงไชย",
    "ศรีษะเกษ",
)
BENEFACTORS = (
    "ประชาสามัคคี",
    "ราษฎร์บำรุง",
    "คุรุราษฎร์อุปถัมภ์",
    "ประชานุกูล",
    "ราษฎร์สามัคคี",
    "มิตรภาพที่ 129",
    "ประชารัฐพัฒนา",
    "สงเคราะห์ราษฎร์",
)
SECONDARY_TAILS = ("วิทยา", "พิทยาคม", "วิทยาคม", "ศึกษา", "ประชาสรรค์")


class Unit(NamedTuple):
    code: str
    name: str
    kind: str
    parent_code: str
    district: str


def _short(district: str) -> str:
    """เมืองเพชรบูรณ์ -> เพชรบูรณ์; other districts are named as they are."""
    return district.removeprefix("เมือง")


class _Names:
    """Hands out unique school names drawn at random from the usual patterns."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.used: set[str] = set()
        self.stems: set[str] = set()

    def take(self, name: str) -> bool:
        if name in self.used:
            return False
        self.used.add(name)
        return True

    def primary(self, district: str) -> str:
        rng = self.rng
        while True:
            roll = rng.random()
            tambon = rng.choice(TAMBONS[district]).removeprefix("บ้าน")
            if roll < 0.08:
                name = f"โรงเรียนชุมชนบ้าน{tambon}"
            elif roll < 0.18:
                name = f"โรงเรียนวัด{rng.choice(TEMPLES)}"
            elif roll < 0.45:
                name = f"โรงเรียนบ้าน{tambon}{rng.choice(TAMBON_TAILS)}"
            else:
                name = f"โรงเรียนบ้าน{rng.choice(VILLAGE_HEADS)}{rng.choice(VILLAGE_TAILS)}"
            if rng.random() < 0.08:
                name += f" ({rng.choice(BENEFACTORS)})"
            elif rng.random() < 0.04:
                name += "วิทยา"
            if self.take(name):
                return name

    def secondary(self, district: str) -> str:
        rng = self.rng
        stems = [s for s in TAMBONS[district] if s not in self.stems]
        stem = rng.choice(stems)
        self.stems.add(stem)
        name = f"โรงเรียน{stem}{rng.choice(SECONDARY_TAILS)}"
        if not self.take(name):
            raise AssertionError(f"{name} is used twice")
        return name


def units() -> Iterator[Unit]:
    """Every unit of the sample province, parents before children."""
    rng = random.Random(SEED)
    names = _Names(rng)
    town = "เมืองเพชรบูรณ์"

    yield Unit("PBN", "สำนักงานศึกษาธิการจังหวัดเพชรบูรณ์", "province", "", town)
    for area, seat in ESA_SEAT.items():
        yield Unit(
            f"PBN-ESA{area}",
            f"สำนักงานเขตพื้นที่การศึกษาประถมศึกษาเพชรบูรณ์ เขต {area}",
            "esa",
            "PBN",
            seat,
        )
    yield Unit("PBN-SEC", "สำนักงานเขตพื้นที่การศึกษามัธยมศึกษาเพชรบูรณ์", "esa", "PBN", town)
    yield Unit("PBN-VOC", "สำนักงานอาชีวศึกษาจังหวัดเพชรบูรณ์", "vocational", "PBN", town)
    yield Unit("PBN-NFE", "สำนักงานส่งเสริมการเรียนรู้ประจำจังหวัดเพชรบูรณ์", "nfe", "PBN", town)
    yield Unit("PBN-LOCAL", "สำนักงานส่งเสริมการปกครองท้องถิ่นจังหวัดเพชรบูรณ์", "local", "PBN", town)
    yield Unit(
        "PBN-PRIV",
        "กลุ่มส่งเสริมการศึกษาเอกชน สำนักงานศึกษาธิการจังหวัดเพชรบูรณ์",
        "private",
        "PBN",
        town,
    )
    yield Unit("PBN-PCRU", "มหาวิทยาลัยราชภัฏเพชรบูรณ์", "higher", "PBN", town)

    # Primary schools: one kindergarten-named flagship per district, then villages.
    for area, districts in ESA_DISTRICTS.items():
        number = 0
        for district, count in districts.items():
            for index in range(count):
                number += 1
                if index == 0:
                    name = f"โรงเรียนอนุบาล{_short(district)}"
                    names.take(name)
                else:
                    name = names.primary(district)
                yield Unit(f"10670{area}{number:04d}", name, "school", f"PBN-ESA{area}", district)

    # Secondary schools; the first two are the province's big town schools.
    number = 0
    for district, count in SECONDARY_PER_DISTRICT.items():
        for index in range(count):
            number += 1
            if district == town and index == 0:
                name = "โรงเรียนเพชรพิทยาคม"
            elif district == town and index == 1:
                name = "โรงเรียนเพชรบูรณ์วิทยา"
            elif index == 0:
                name = f"โรงเรียน{_short(district)}วิทยาคม"
            else:
                name = names.secondary(district)
            names.take(name)
            yield Unit(f"10670{4}{number:04d}", name, "school", "PBN-SEC", district)

    vocational = (
        ("วิทยาลัยเทคนิคเพชรบูรณ์", town),
        ("วิทยาลัยอาชีวศึกษาเพชรบูรณ์", town),
        ("วิทยาลัยเกษตรและเทคโนโลยีเพชรบูรณ์", town),
        ("วิทยาลัยเทคนิคหล่มสัก", "หล่มสัก"),
        ("วิทยาลัยการอาชีพหล่มเก่า", "หล่มเก่า"),
        ("วิทยาลัยเทคนิควิเชียรบุรี", "วิเชียรบุรี"),
        ("วิทยาลัยการอาชีพหนองไผ่", "หนองไผ่"),
    )
    for number, (name, district) in enumerate(vocational, start=1):
        yield Unit(f"136701{number:04d}", name, "school", "PBN-VOC", district)

    for number, district in enumerate(TAMBONS, start=1):
        yield Unit(
            f"PBN-NFE-{number:02d}",
            f"ศูนย์ส่งเสริมการเรียนรู้ระดับอำเภอ{district}",
            "nfe",
            "PBN-NFE",
            district,
        )

    # Local government: the organisations that run schools, then their schools.
    local_bodies = (
        ("PBN-LAO-PAO", "องค์การบริหารส่วนจังหวัดเพชรบูรณ์", town, 4),
        ("PBN-LAO-MPB", "เทศบาลเมืองเพชรบูรณ์", town, 4),
        ("PBN-LAO-LSK", "เทศบาลเมืองหล่มสัก", "หล่มสัก", 3),
        ("PBN-LAO-WCB", "เทศบาลตำบลวิเชียรบุรี", "วิเชียรบุรี", 2),
    )
    for code, name, district, _ in local_bodies:
        yield Unit(code, name, "local", "PBN-LOCAL", district)
    number = 0
    for code, body, district, count in local_bodies:
        for index in range(1, count + 1):
            number += 1
            where = district
            if code == "PBN-LAO-PAO":
                where = rng.choice(tuple(TAMBONS))
                name = names.secondary(where) + " (อบจ.เพชรบูรณ์)"
            else:
                name = f"โรงเรียน{body} {index} (วัด{rng.choice(TEMPLES)})"
            names.take(name)
            yield Unit(f"156701{number:04d}", name, "school", code, where)

    private = (
        ("โรงเรียนอนุบาลพรพิมล", town),
        ("โรงเรียนศรีเพชรศึกษา", town),
        ("โรงเรียนดรุณวิทยา เพชรบูรณ์", town),
        ("โรงเรียนอนุบาลสายรุ้ง", town),
        ("โรงเรียนเพชรบูรณ์พาณิชยการ", town),
        ("โรงเรียนบริหารธุรกิจเพชรบูรณ์", town),
        ("โรงเรียนหล่มสักศึกษา", "หล่มสัก"),
        ("โรงเรียนอนุบาลปิยะวัฒน์", "หล่มสัก"),
        ("โรงเรียนเทคโนโลยีหล่มสัก", "หล่มสัก"),
        ("โรงเรียนกิตติวิทย์", "หล่มเก่า"),
        ("โรงเรียนวิเชียรศึกษา", "วิเชียรบุรี"),
        ("โรงเรียนอนุบาลเด็กดี", "หนองไผ่"),
        ("โรงเรียนภัทรวิทยา", "ชนแดน"),
        ("โรงเรียนอนุบาลบ้านรัก", "บึงสามพัน"),
    )
    for number, (name, district) in enumerate(private, start=1):
        yield Unit(f"206701{number:04d}", name, "school", "PBN-PRIV", district)


def render() -> str:
    """The CSV text of the sample province (UTF-8, ``\\n`` line ends)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(HEADER)
    writer.writerows(units())
    return buffer.getvalue()


def main() -> None:
    OUTPUT.write_text(render(), encoding="utf-8", newline="")
    print(f"wrote {OUTPUT}")


if __name__ == "__main__":
    main()
