"""A national baseline from open data: PRODUCE's Ruta Digital test results (2021–2024, ODC-By).

`ruta_digital` reads the file as published and holds the crosswalk onto this product's dimensions
(pure Python); `models` stores sources and records; `operations` imports; `standing` builds the
"where you stand" section of a results page; `commands` is `flask --app wsgi baseline …`.
The details, and why: `maturity/baseline/README.md`.
"""
