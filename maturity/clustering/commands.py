"""`flask --app wsgi clusters fit --baseline ruta-digital | --sector ID | --all | --cohort ID`."""
from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup

from maturity.questionnaires.profile import SECTORS

clusters = AppGroup("clusters", help="Group firms into typologies (k-means) and store the fit.")


@clusters.command("fit")
@click.option("--baseline", type=click.Choice(["ruta-digital"]), help="The imported national baseline.")
@click.option("--sector", type=click.Choice(SECTORS), help="Firms whose latest submitted assessment is in SECTOR.")
@click.option("--all", "all_firms", is_flag=True, help="Every firm with a submitted assessment.")
@click.option("--cohort", type=int, help="The firms a cohort's figures count (active consent only).")
@click.option("--map", "map_path", type=click.Path(dir_okay=False, writable=True, path_type=Path),
              help="Also write the 2-D map of the groups as SVG to this file.")
@click.option("--lang", type=click.Choice(["es", "en"]), default="es", show_default=True,
              help="Language of the group names on the map.")
def fit(baseline: str | None, sector: str | None, all_firms: bool, cohort: int | None, map_path: Path | None,
        lang: str) -> None:
    """Fit the typologies of one scope; print k, sizes, silhouettes and names; store the fit."""
    chosen = [o for o in (baseline, sector, all_firms or None, cohort) if o is not None]
    if len(chosen) != 1:
        raise click.UsageError("give exactly one of --baseline ruta-digital, --sector ID, --all, --cohort ID")
    from maturity.clustering.chart import map_svg
    from maturity.clustering.operations import fit_scope

    scope = (f"baseline:{baseline}" if baseline else f"sector:{sector}" if sector
             else f"cohort:{cohort}" if cohort is not None else "all")
    try:
        fitted = fit_scope(scope)
    except LookupError as exc:
        raise click.ClickException(str(exc)) from None
    if fitted.stored is None:
        raise click.ClickException(f"{scope}: {fitted.typologies.message()}; nothing stored")
    result = fitted.stored.result
    click.echo(f"{scope}: {result['n']:,} firms, {len(result['dimensions'])} dimensions "
               f"({', '.join(result['dimensions'])}), {result['method']}, fit {fitted.stored.id}")
    click.echo("silhouette by k (sample of " + f"{result['sample']:,}): "
               + ", ".join(f"{k}: {s:.3f}" for k, s in result["silhouette"].items()))
    for k, why in result["skipped"].items():
        click.echo(f"  k={k} skipped: {why}")
    click.echo(f"k = {result['k']}")
    for c in result["clusters"]:
        click.echo(f"  {c['id']}. {c['size']:>6,} firms ({c['share'] * 100:4.1f} %)  {c['name']['es']} / {c['name']['en']}")
    if result.get("source"):
        from maturity.baseline.ruta_digital import CREDIT

        click.echo(f"{result['source']['label']} — {CREDIT['es']}")
    if map_path is not None:
        svg = map_svg(fitted.stored.chart, [c["name"][lang] for c in result["clusters"]],
                      f"{scope}: k = {result['k']}", [c["size"] for c in result["clusters"]])
        map_path.write_text(svg, encoding="utf-8")
        click.echo(f"wrote {map_path}", err=True)
