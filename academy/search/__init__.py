"""Site search that understands Chinese: Wagtail's database backend with jieba word segmentation."""

# A SearchField with this boost is a page's summary for the site search (academy/search/documents.py): a hit there
# ranks below one in the title and above any number in the body. Page models mark their summary fields with it.
SUMMARY_BOOST = 2.0
