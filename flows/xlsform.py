"""Forms written in Excel (XLSForm): a workbook turned into the YAML form text.

Skeleton: the reader and the writer follow in the next commits.
"""

from __future__ import annotations

__all__: list[str] = []
