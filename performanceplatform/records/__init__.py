"""The record engine: rows become Backdrop records with the original's ``_id``s.

``data_parser`` (field layering, ``mappings``, ``idMapping``, default ids), ``ids`` (the id
strings and ``_id`` encoding the plugins share with it), ``plugins`` (whole-run transforms
named by ``options.plugins``), ``options`` (the record options every collector reads),
``periods`` (dates and periods by frequency) and ``py2compat`` (the Python 2 orderings and
texts the ids depend on). It imports only the ground floor (``utils``).
"""
