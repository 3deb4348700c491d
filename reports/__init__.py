"""Reports: pandas aggregates, Excel workbooks, charts."""
