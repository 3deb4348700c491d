"""reports.labels: the words the reports print."""

from __future__ import annotations


def test_a_numbered_title_is_not_numbered_twice() -> None:
    from reports.labels import numbered

    assert numbered("1", "ยุทธศาสตร์ที่ 1 การจัดการศึกษาเพื่อความมั่นคง") == (
        "ยุทธศาสตร์ที่ 1 การจัดการศึกษาเพื่อความมั่นคง"
    )
    assert numbered("2.1", "สถานศึกษาจัดการศึกษาระบบทวิภาคี") == "2.1 สถานศึกษาจัดการศึกษาระบบทวิภาคี"
