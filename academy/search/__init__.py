"""Site search that understands Chinese: Wagtail's database backend with jieba word segmentation."""
