"""`icpcheck schema` and `icpcheck init`: help editors and new clients start from a correct profile."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from icpcheck.choices import EntityType
from icpcheck.cli.app import app, settings_for


def profile_schema() -> str:
    import json

    from icpcheck.profile.model import Profile

    schema = Profile.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "icpcheck profile (version 1)"
    return json.dumps(schema, ensure_ascii=False, indent=2) + "\n"


@app.command()
def schema() -> None:
    """Print the JSON Schema of the profile format (for editor validation and completion)."""
    settings_for()  # no setting applies, but a broken configuration is reported like everywhere
    typer.echo(profile_schema(), nl=False)


@app.command()
def init(
    path: Annotated[Path, typer.Argument(help="Where to write the template.")] = Path("profile.yaml"),
    entity: Annotated[EntityType, typer.Option(help="Filing subject type.")] = "company",
    province: Annotated[
        str | None,
        typer.Option(help="Province (beijing / 北京 / 京) [default: the configured one, else beijing]."),
    ] = None,
    force: Annotated[bool, typer.Option(help="Overwrite an existing file.")] = False,
) -> None:
    """Write a commented profile template (an individual's has no company fields); fill every <…>
    placeholder, then run `icpcheck eligibility` (placeholders left in are reported as unknown)."""
    from icpcheck.errors import UsageError
    from icpcheck.outfile import open_output
    from icpcheck.profile.draft import template_text

    key = settings_for(province=province).province or "beijing"
    if path.exists() and not force:
        raise UsageError(f"{path} exists; use --force to overwrite")
    with open_output(str(path)) as out:
        out.write(template_text(entity, key))
    typer.echo(
        f"wrote {path}: fill in the name, then run: icpcheck eligibility {path} "
        "(each <…> placeholder left is reported as unknown until you replace it)"
    )
