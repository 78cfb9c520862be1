"""Commands on a project's sources: add one from a file, fill their metadata from a
bibliography, re-check an imported one, show one's paragraphs, find a quote in them."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from briefgen import pipeline
from briefgen.cli.common import errors_only, finished, report, root_option
from briefgen.model.records import SourceKind


@click.group()
def source() -> None:
    """Add a source from your own file, fill sources from a bibliography, show a source's
    paragraphs, re-check an imported one."""


@source.command("add")
@root_option
@click.argument("file", type=click.Path(path_type=Path, dir_okay=True, exists=False))
@click.option("--id", "source_id", metavar="ID", help="The new source's id. Default: from FILE.")
@click.option(
    "--kind",
    type=click.Choice([k.value for k in SourceKind]),
    help="What the source is. Default: article for .html, report for .pdf and .docx, "
    "other for .txt and .md.",
)
@click.option("--max-bytes", type=click.IntRange(min=1), hidden=True, help="Size limit (tests).")
def source_add(
    root: Path, file: Path, source_id: str | None, kind: str | None, max_bytes: int | None
) -> None:
    """Import FILE (.txt, .md, .html, .pdf, .docx) as a new source in content/sources/.

    Writes <id>.txt (one paragraph a line), <id>.yaml (its record, reliability
    'unassessed') and <id>.orig.<ext> (the original, to verify against); all or nothing.
    """
    from briefgen.ingest import Limits
    from briefgen.sources.add import add_source

    limits = Limits(max_bytes=max_bytes) if max_bytes else Limits()
    result = add_source(
        root,
        file,
        source_id=source_id,
        kind=SourceKind(kind) if kind else None,
        limits=limits,
        waiting=lambda: click.echo(pipeline.WAITING, err=True),
    )
    diagnostics = result.diagnostics
    finished(result.recovery, diagnostics)
    status = report(diagnostics, False)
    if status or not result.written:
        click.echo("nothing written", err=True)
        sys.exit(status or 1)
    for path in result.written:
        click.echo(f"wrote {diagnostics.relative(path)}")
    sid = result.source_id
    assert result.kind is not None
    if result.kind_defaulted:
        click.echo(
            f"kind: {result.kind.value} (the default for {file.suffix.lower()} files; "
            "choose another with --kind)"
        )
    if result.original_chars:
        share = result.kept_chars * 100 / result.original_chars
        click.echo(
            f"kept {result.kept_chars:,} of {result.original_chars:,} characters of the "
            f"original's text ({share:.0f} %)"
        )
    click.echo(f"{len(result.body)} body paragraph(s):")
    for number, text in enumerate(result.body, start=1):
        short = text if len(text) <= 60 else text[:59] + "…"
        click.echo(f"  ¶{number}  {short}")
    click.echo('next: cite a passage: briefgen quote find "…"')
    click.echo(
        f"      set reliability: A–F in content/sources/{sid}.yaml when you have assessed "
        "the source"
    )
    sys.exit(0)


@source.command("import")
@root_option
@click.argument("file", type=click.Path(path_type=Path, dir_okay=True, exists=False))
def source_import(root: Path, file: Path) -> None:
    """Fill existing sources' metadata from a bibliography: FILE is a BibTeX (.bib) or
    Zotero / Better BibTeX CSL-JSON (.json) export inside the project.

    An entry fills the source whose id is its citation key: title, author(s), outlet,
    date, url, accessed, publisher, number, version, short title, each recorded
    `from:` FILE. A value the source's text states is kept; a contradiction is a
    warning. The texts are never changed; the records are written all or nothing.
    """
    from briefgen.sources.bibliography import import_bibliography

    result = import_bibliography(root, file, waiting=lambda: click.echo(pipeline.WAITING, err=True))
    diagnostics = result.diagnostics
    finished(result.recovery, diagnostics)
    status = report(diagnostics, False)
    if status:
        click.echo("nothing written", err=True)
        sys.exit(status)
    by_source: dict[str, list[str]] = {}
    for filled in result.filled:
        was = f" (was '{filled.was}')" if filled.was else ""
        by_source.setdefault(filled.source_id, []).append(filled.name + was)
    for path in result.written:
        names = ", ".join(by_source.get(path.stem, []))
        click.echo(f"filled {diagnostics.relative(path)}: {names}")
    click.echo(f"{len(result.written)} source(s) filled from {result.entries} entry(ies)")
    sys.exit(0)


@source.command("verify")
@root_option
@click.argument("source_id", metavar="ID")
def source_verify(root: Path, source_id: str) -> None:
    """Extract source ID's original again and compare it with its text; exit 1 if they differ."""
    from briefgen.sources.verify import verify_source

    result = verify_source(root, source_id)
    click.echo(result.diff, nl=False)
    if result.current and result.pinned != result.current:
        click.echo(f"the record pins {result.pinned}; this is {result.current}")
    status = report(result.diagnostics, False)
    if status:
        sys.exit(status)
    click.echo(
        f"ok: {source_id}: {result.paragraphs} line(s), the same as {result.current} extracts"
    )
    sys.exit(0)


@source.command("show")
@root_option
@click.argument("source_id", metavar="ID")
def source_show(root: Path, source_id: str) -> None:
    """Print a source's body paragraphs numbered as notes cite them (¶N), and its marked
    lines (title, byline, headings, other) apart, labelled."""
    from briefgen.lookup import show_source

    result = show_source(root, source_id)
    status = report(errors_only(result.diagnostics), False)
    if result.source is None or result.text_path is None:
        sys.exit(status or 1)
    click.echo(f"{result.diagnostics.relative(result.text_path)}:")
    for line in result.lines:
        if line.paragraph is None:
            role = line.role.value if line.role else "not counted"
            click.echo(f"  [{role}, line {line.line}]  {line.text}")
        else:
            mark = f" [{line.role.value}]" if line.role else ""
            click.echo(f"¶{line.paragraph}{mark}  {line.text}")
    if not result.source.migrated and result.source.roles:
        click.echo(
            "(¶ still counts every non-empty line, marked ones too: run "
            "'briefgen migrate-locators' to count body paragraphs only)"
        )
    sys.exit(status)


@click.group()
def quote() -> None:
    """Find passages in a project's sources."""


@quote.command("find")
@root_option
@click.argument("text")
@click.option("--source", "source_id", metavar="ID", help="Search only this source.")
@click.option("--ignore-case", is_flag=True, help="Also ignore letter case.")
def quote_find(root: Path, text: str, source_id: str | None, ignore_case: bool) -> None:
    """Find TEXT in every source's paragraphs and print a note ready to paste.

    Whitespace and line wraps, quotation-mark styles, dashes and a word hyphenated at a
    line end are ignored; each match is printed as the source holds it, which is what a
    note's quote must be.
    """
    from briefgen.lookup import Passage, find_quote

    result = find_quote(root, text, source_id=source_id, ignore_case=ignore_case)
    status = report(errors_only(result.diagnostics), False)
    if result.diagnostics.errors and not result.passages:
        sys.exit(status)

    def where(passage: Passage) -> str:
        return f"{result.diagnostics.relative(passage.path)}:{passage.line}: ¶{passage.paragraph}"

    def excerpt(passage: Passage) -> str:
        before = "…" if passage.before else ""
        after = "…" if passage.after else ""
        return f"{before}{passage.text}{after}"

    for passage in result.passages:
        if passage.crosses:
            click.echo(
                f"{where(passage)}: crosses ¶{passage.paragraph}–¶{passage.last}: a quote "
                f"must sit in one paragraph: {excerpt(passage)}"
            )
        else:
            click.echo(f"{where(passage)}: {excerpt(passage)}")
    if result.skeletons:
        click.echo("\nA note to paste under 'notes:' (fill in each TODO):\n")
        click.echo("\n\n".join(result.skeletons))
    if not result.passages:
        near = result.closest
        hint = f"; closest passage is {where(near)}: {excerpt(near)}" if near else ""
        click.echo(f"not found in {source_id or 'any source'}{hint}")
        sys.exit(1)
    if not result.skeletons:
        sys.exit(1)  # every match crosses paragraphs: nothing a note can quote
    sys.exit(status)
