"""Item analysis of the question bank (试题分析): pure statistics (``statistics``), the database sums that feed them
(``queries``) and the editors' report with its chart and Excel download (``views``)."""
