"""Reports: the queries behind the academy's reports, the report views in the Wagtail admin, the admin home
panels and the chart geometry they draw with (part of the ``credits`` app)."""
