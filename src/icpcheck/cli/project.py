"""`icpcheck schema` and `icpcheck init`: help editors and new clients start from a correct profile."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from icpcheck.cli.app import Entity, app


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
    typer.echo(profile_schema(), nl=False)


@app.command()
def init(
    path: Annotated[Path, typer.Argument(help="Where to write the template.")] = Path("profile.yaml"),
    entity: Annotated[Entity, typer.Option(help="Filing subject type.")] = Entity.company,
    province: Annotated[str, typer.Option(help="Province (beijing / 北京 / 京).")] = "beijing",
    force: Annotated[bool, typer.Option(help="Overwrite an existing file.")] = False,
) -> None:
    """Write a commented profile template; fill every <…> placeholder, then run `icpcheck eligibility`."""
    from importlib.resources import files

    from icpcheck.errors import UsageError
    from icpcheck.outfile import open_output
    from icpcheck.provinces import resolve_province

    key = resolve_province(province).key
    if path.exists() and not force:
        raise UsageError(f"{path} exists; use --force to overwrite")
    template = files("icpcheck").joinpath("templates/profile.yaml").read_text(encoding="utf-8")
    text = template.replace("{entity_type}", entity.value).replace("{province}", key)
    with open_output(str(path)) as out:
        out.write(text)
    typer.echo(f"wrote {path}: replace every <…> placeholder, then run: icpcheck eligibility {path}")
