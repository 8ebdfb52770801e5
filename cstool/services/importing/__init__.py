"""`cstool import` and whole-table moves.

    registry.py        import_file: the kinds and how a file is read (CRM export or export's table file)
    base.py            what every kind shares: columns, kinds, parsing, the two passes, file-decided date order
    reading.py         a file as CRMs write it: encoding, separator, report footer and totals rows
    headers.py         which column is which field: known headers, --map, unused columns, --columns
    kinds_*.py         one declaration per kind of record
    refs.py            names in a CSV -> ids
    tables.py          export, export --all / import --all, db copy (light: a read-only export loads no models)
"""
