"""Import and export of registers as CSV, XLSX, ODS and JSON.

``formats`` reads and writes files, ``importing`` validates and saves rows all-or-nothing,
``registry`` lists which kinds of record can be imported and exported.
"""
