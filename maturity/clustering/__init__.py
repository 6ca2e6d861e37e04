"""Firm typologies (k-means groups) from dimension scores.

The computation is pure — no Flask, no ORM, scikit-learn imported only when a fit runs:

    from maturity.clustering.engine import fit_typologies
    fit = fit_typologies(matrix, ["T1", "T2", …])   # firms × dimensions, NaN = missing
    fit.result   # JSON-serialisable: params, versions, n, silhouette per k, k, clusters (sizes,
                 # centroids in original units, bilingual names); stored as data, never pickled
    fit.labels   # each input row's group, 1…k

`engine` (the fit), `names` (bilingual group names) and `chart` (the 2-D map as SVG) are pure.
`models` (ClusterFit, the stored fits), `operations` (reading scores from the database, storing a
fit) and `commands` (`flask --app wsgi clusters fit …`) are the application's side.
"""
