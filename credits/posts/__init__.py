"""Posts (岗位) and appointments (上岗任命): who may hold a post, and who holds which where (part of the ``credits``
app; the models live in ``credits/models.py``)."""
