"""Reports: pandas aggregates, Excel workbooks, charts (docs/design.md §7).

Data flows one way: :mod:`reports.snapshot` reads a round from the database into a
:class:`~reports.snapshot.RoundSnapshot` of pandas frames, and
:mod:`reports.submission_snapshot` the submissions' documents, without pandas (the
only two modules here that use SQLAlchemy); everything else is pure and works on
what they read.

=========================  ==============================================================
module                     what
=========================  ==============================================================
``reports.snapshot``       ``load_round_snapshot(session, round_id, *, subtree_of=None,
                           answers=True, now=None)``
``reports.submission_snapshot`` ``load_submission_docs(session, round_id, *,
                           unit_ids=None, tz, now)``: submissions' documents (no pandas)
``reports.completion``     ``completion(snapshot, by="agency"|"unit"|"district",
                           root_unit_id=None, *, total=False)``, ``unit_status(...)``
``reports.aggregates``     ``question_aggregates``, ``choice_aggregates``,
                           ``indicators_table``, ``texts``, ``unit_answers_wide``,
                           ``answered_files`` (and the two above, re-exported)
``reports.relevant``       the relevant answers as a units × questions table (internal)
``reports.chart``          ``status_chart(frame, title) -> bytes`` (PNG, Thai font)
``reports.workbook``       ``write_workbook``, ``write_csv``, ``write_files_zip``
``reports.sheetdata``      fast rows for the big Units sheet (internal)
``reports.labels``         Thai words: states, headers, ``short_name``
``reports.submission_pdf`` ``submission_pdf(SubmissionDoc) -> bytes``: the unit's PDF
``reports.submission_data`` ``build_doc``: a submission as the data of its PDF (pure)
``reports.pdf_batch``      ``write_submission_pdfs``: many PDFs on every core
``reports.committee``      ``committee_report(snapshot, ...)``: the committee report
``reports.committee_docx`` Word version; ``reports.committee_pdf``: PDF version
``reports.thai_pdf``       ``ThaiPDF``: A4, Thai font, shaping, grid tables, footer
``reports.thai_text``      ``wrap``: Thai lines broken between words
``reports.errors``         ``ReportsError`` > ``UnknownRound``, ``UnknownUnit``
=========================  ==============================================================

A ``/status`` for an officer::

    async with sessions() as session:
        snapshot = await load_round_snapshot(session, round_id, answers=False)
    frame = completion(snapshot, "agency", total=True)
    png = status_chart(frame, "สถานะการรายงาน")

and for a supervisor of unit ``u``: ``load_round_snapshot(..., subtree_of=u,
answers=False)`` then ``completion(snapshot, "unit", u)``; ``/overdue``:
``unit_status(snapshot, u)`` where ``overdue`` (or ``~done``), with ``registered`` and
``reachable``.
"""
