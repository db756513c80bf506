"""Quality filtering and data-quality checks.

Text filters (kind ``filter``; each adds ``_reject_reason`` = ``<operator>:<rule>`` naming the
first rule that fired, or null to keep the row):

- ``gopher_quality``, ``gopher_repetition`` (Rae et al. 2021, appendix A), ``c4_quality``
  (Raffel et al. 2020), ``fineweb_quality`` (Penedo et al. 2024): the published thresholds with
  datatrove's definitions and rule names (``gopher_quality:gopher_short_doc``,
  ``gopher_repetition:top_2_gram``, ``c4_quality:too_few_sentences``,
  ``fineweb_quality:line_punct_ratio``, ...). Words are spaCy-English tokens, reproduced as
  Spark column expressions (``_words``); only the n-gram repetition rules run in a pandas UDF.
- ``c4_quality`` decides on the document as datatrove does after dropping lines, and leaves the
  text as it was unless ``rewrite_text: true`` (then kept rows carry the kept lines).
- ``length_filter``, ``regex_filter`` (named rules), ``language_filter`` (py3langid, whose model
  ships in its wheel).

Table checks: the ``expectations`` stage runs Great Expectations on the step's input, records
every result in the ``quality_results`` side output, quarantines failing rows of
``quarantine: true`` checks into ``rejects`` (``expectation:<name>``) and, after all checks ran,
raises :class:`operators.quality.expectations.ExpectationsFailed` (a UserError) when an ``error``
check failed.
"""
