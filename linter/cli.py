"""The command line (docs/architecture.md#exit-codes): thin commands that build options, call the library, and map
``LinterError`` to one line on stderr and exit code 2. Only this module prints or exits."""
from __future__ import annotations

import gc
import os
import sys
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, NoReturn, Sequence, TextIO

import click

from linter import __version__
from linter.errors import LinterError, UsageError, unexpected
from linter.model import RuleInfo, ScanResult, Severity
from linter.reporters import REPORTERS, RenderOptions
from linter.reporters.common import one_line

if TYPE_CHECKING:
    from linter.config import Config
    from linter.graph.export import Context as GraphContext
    from linter.graph.export import Out
    from linter.knowledge import Knowledge
    from linter.scan import Scan, ScanOptions

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
FORMATS = list(REPORTERS)


def _split_ids(values: Sequence[str]) -> tuple[str, ...]:
    return tuple(v.strip().upper() for value in values for v in value.split(",") if v.strip())


def _variables(pairs: Sequence[str]) -> dict[str, str]:
    out = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name:
            raise UsageError(f"--var {pair!r}: expected NAME=VALUE")
        out[name.strip()] = value
    return out


def _setup(args: ContextArgs) -> tuple[Config, Knowledge]:
    from linter.config import find_config, load_config
    from linter.policy_files import load_knowledge, with_modules

    scanned = [Path(p) for p in args.paths if p != "-" and Path(p).exists()]
    if args.config_file:
        # the command line may name anything, unless the file it names is the repository's own
        config = load_config(Path(args.config_file), args.config_file,
                             confined=_in_repository(Path(args.config_file), scanned))
    elif args.no_repo_config:
        config = load_config(None)
    else:
        found = find_config(scanned[0] if scanned else Path("."))
        config = load_config(found, _display(found) if found else None)
    knowledge = load_knowledge(tuple(config.policies) + args.policies, tuple(config.catalogs) + args.catalogs)
    return config, with_modules(knowledge, config.modules)


def _in_repository(config_file: Path, scanned: Sequence[Path]) -> bool:
    from linter.discovery import repository_root

    if not scanned:
        return False
    root = repository_root(scanned)
    target = Path(os.path.realpath(config_file.parent)) / config_file.name  # where the file is, not its link
    return target == root or root in target.parents


def _display(path: Path) -> str:
    try:  # the file's own place, not where a link of that name points
        return (Path(os.path.realpath(path.parent)) / path.name).relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return str(path)


def _write(text: str, output: str | None) -> None:
    if output and output != "-":
        try:
            Path(output).write_text(text, encoding="utf-8")
        except OSError as err:
            raise UsageError(f"{output}: cannot write: {err.strerror}") from None
    else:
        click.echo(text, nl=False)


def _guard(func: Callable[..., int]) -> Callable[..., int]:
    """User errors: one line, exit 2, no traceback."""
    def wrapper(*args: Any, **kwargs: Any) -> int:
        try:
            return func(*args, **kwargs)
        except LinterError as err:
            click.echo(one_line(f"snclint: error: {err}"), err=True)
            return EXIT_ERROR
        except Exception as err:  # noqa: BLE001 - the last resort: one line, never a traceback
            click.echo(one_line(f"snclint: internal error: {unexpected(err)}"), err=True)
            return EXIT_ERROR
    wrapper.__name__ = func.__name__
    wrapper.__doc__ = func.__doc__
    return wrapper


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="snclint")
def cli() -> None:
    """snclint: particularly sensitive data must run on SecNumCloud-qualified hosting."""


def _context_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """What a scan's result depends on besides its paths: ``graph`` and ``explain`` take them too,
    so that they show the graph the scan judged."""
    options = [
        click.option("-c", "--config", "config_file", help="Config file (default: .snclint.yaml from PATH upward)."),
        click.option("--policies", multiple=True, help="Another policy directory."),
        click.option("--catalog", "catalogs", multiple=True, help="Another provider catalogue file."),
        click.option("--var-file", "var_files", multiple=True, help="Terraform variables file."),
        click.option("--var", "variables", multiple=True, metavar="NAME=VALUE", help="Terraform variable."),
        click.option("--no-repo-config", is_flag=True,
                     help="Ignore the scanned repository's .snclint.yaml and its exceptions (audits)."),
    ]
    for option in reversed(options):
        func = option(func)
    return func


# The commands' records below are read, never compared (``eq=False``): no ``__eq__`` nor
# ``__hash__`` compiled for them at every start (a frozen dataclass's methods are compiled when it
# is defined: the five records took 4.2 ms of each command's start, now 2.7).
@dataclass(frozen=True, slots=True, kw_only=True, eq=False)
class ContextArgs:
    """The options of ``_context_options``, as click names them: what ``scan``, ``graph`` and
    ``explain`` read before scanning."""

    paths: tuple[str, ...]
    config_file: str | None = None
    policies: tuple[str, ...] = ()
    catalogs: tuple[str, ...] = ()
    var_files: tuple[str, ...] = ()
    variables: tuple[str, ...] = ()
    no_repo_config: bool = False


@dataclass(frozen=True, slots=True, kw_only=True, eq=False)
class ScanArgs(ContextArgs):
    """Every option of ``scan``, as click names them."""

    fmt: str
    output: str | None
    reports: tuple[str, ...]
    fail_on: str | None
    fail_rules: tuple[str, ...]
    soft_fail: bool
    baseline: str | None
    write_baseline: str | None
    strict: bool
    select: tuple[str, ...]
    ignore: tuple[str, ...]
    sast_schema: str
    jobs: int
    no_cache: bool
    allow_empty: bool
    docs_url: str | None
    lang: str
    quiet: bool
    no_color: bool


@dataclass(frozen=True, slots=True, kw_only=True, eq=False)
class GraphArgs(ContextArgs):
    """Every option of ``graph``."""

    fmt: str
    output: str | None
    only_sensitive: bool
    jobs: int
    no_cache: bool


@dataclass(frozen=True, slots=True, kw_only=True, eq=False)
class MergeArgs:
    """Every option of ``merge``."""

    reports: tuple[str, ...]
    fmt: str
    output: str | None
    extra: tuple[str, ...]
    fail_on: str
    policies: tuple[str, ...]
    lang: str


def _scanned(paths: tuple[str, ...]) -> tuple[str, ...]:
    return paths or (".",)


@dataclass(frozen=True, slots=True, eq=False)
class _Context:
    """The config and knowledge a command reads, and what its scan (if it scans) is given."""

    config: Config
    knowledge: Knowledge
    args: ContextArgs
    variables: dict[str, str]
    stdin: bytes | None

    def scan_options(self) -> ScanOptions:
        """The scan's options as the config sets them; ``scan`` overrides some from its command line.
        (Imported here: explaining a rule does not load the scan.)"""
        from linter.scan_options import ScanOptions

        return ScanOptions(paths=self.args.paths, stdin=self.stdin, var_files=self.args.var_files,
                           variables=self.variables, select=self.config.select, ignore=self.config.ignore,
                           strict=self.config.strict)


def _context(args: ContextArgs) -> _Context:
    config, knowledge = _setup(args)
    stdin = sys.stdin.buffer.read() if "-" in args.paths else None
    return _Context(config, knowledge, args, _variables(args.variables), stdin)


@cli.command()
@click.argument("paths", nargs=-1)
@click.option("-f", "--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True)
@click.option("-o", "--output", help="Write the report to FILE instead of standard output.")
@click.option("--report", "reports", multiple=True, metavar="FORMAT:FILE", help="Another report from the same run.")
@_context_options
@click.option("--fail-on", type=click.Choice(["error", "warning", "info", "never"]),
              help="Lowest severity that fails the run (default: the config's fail_on, else error).")
@click.option("--fail-on-rule", "fail_rules", multiple=True, metavar="IDS",
              help="These rules fail the run whatever their severity (the pre-commit hook: SNC007).")
@click.option("--soft-fail", is_flag=True, help="Report, but always exit 0 on findings (--fail-on never).")
@click.option("--baseline", help="Fail only on findings not in this baseline file.")
@click.option("--write-baseline", help="Record today's findings in this baseline file.")
@click.option("--strict", is_flag=True, help="Unevaluable classifications (SNC004) are errors.")
@click.option("--select", multiple=True, help="Only these rule ids (comma-separated, prefixes allowed).")
@click.option("--ignore", multiple=True, help="Not these rule ids.")
@click.option("--gitlab-sast-schema", "sast_schema", default="15.2.1", show_default=True,
              help="Schema version declared in the gitlab-sast report.")
@click.option("--jobs", type=click.IntRange(min=0), default=0, help="Worker processes (0: automatic).")
@click.option("--no-cache", is_flag=True,
              help="Do not read or write the parse cache (nor the compiled shipped knowledge).")
@click.option("--allow-empty", is_flag=True, help="Pass when there is nothing to scan (default: exit 2).")
@click.option("--docs-url", envvar="SNCLINT_DOCS_URL", metavar="URL",
              help="Where snclint's docs are served (your copy's web view): rule links become URLs under it.")
@click.option("--lang", type=click.Choice(["en", "fr"]), default="en", show_default=True,
              help="Language of the HTML report.")
@click.option("-q", "--quiet", is_flag=True, help="Text format: one line per finding, and the summary.")
@click.option("--no-color", is_flag=True, help="No colour in the text report (also: NO_COLOR set).")
@click.pass_context
def scan(ctx: click.Context, paths: tuple[str, ...], **options: Any) -> None:
    """Scan Terraform and Kubernetes files (PATH may be - for standard input)."""
    ctx.exit(_scan(ScanArgs(paths=_scanned(paths), **options)))


@_guard
def _scan(args: ScanArgs) -> int:
    from linter.compiled import use_cache
    from linter.reporters.gitlab_sast import check_version
    from linter.reporters.text import summary_line
    from linter.rules.selection import check_rule_ids
    from linter.scan_memo import scan_result

    extra = [_parse_report(r) for r in args.reports]
    check_version(args.sast_schema)
    use_cache(not args.no_cache)
    given = _context(args)
    config, knowledge = given.config, given.knowledge
    fail_on = "never" if args.soft_fail else args.fail_on or config.fail_on or "error"
    fail_rules = () if args.soft_fail else _split_ids(args.fail_rules)
    select, ignore = _split_ids(args.select), _split_ids(args.ignore)
    _check_rule_ids(knowledge.rules, config, select, ignore)
    check_rule_ids(knowledge.rules, fail_rules, "--fail-on-rule", prefixes=False)
    to_terminal = not args.output or args.output == "-"
    color = (args.fmt == "text" and to_terminal and not args.no_color and not os.environ.get("NO_COLOR")
             and _tty(sys.stdout))
    render = RenderOptions(quiet=args.quiet, lang=args.lang, sast_schema=args.sast_schema)

    progress = _Progress(_tty(sys.stderr))
    options = replace(given.scan_options(), select=select or config.select, ignore=ignore or config.ignore,
                      strict=args.strict or config.strict, jobs=args.jobs, cache=not args.no_cache,
                      progress=progress)
    result = scan_result(options, config, knowledge)
    progress.done()
    if args.docs_url:
        result = _with_docs_url(result, args.docs_url)
    stdin = options.stdin
    if not args.allow_empty and _nothing_scanned(result, stdin):
        raise UsageError(f"nothing to scan in {' '.join(args.paths)}: no Terraform file, manifest or plan"
                         + (" (standard input is empty)" if stdin is not None else "")
                         + "; --allow-empty to pass anyway")
    if args.baseline:
        result = _apply_baseline(result, args.baseline)
    if args.write_baseline:
        from linter.rules.baseline import write_baseline as dump

        _write(dump(result.findings), args.write_baseline)
    _write(REPORTERS[args.fmt](result, replace(render, color=color)), args.output)
    for name, file in extra:
        _write(REPORTERS[name](result, render), file)
    if not to_terminal:  # the report went to a file: the log still says what it holds
        click.echo(summary_line(result), err=True)
    return exit_code(result, fail_on, fail_rules)


def _with_docs_url(result: ScanResult, base: str) -> ScanResult:
    """Rule links of the policies (``docs/rules.md#snc001``) as URLs under ``base``, so that SARIF,
    GitLab and HTML link each finding to its rule."""
    from urllib.parse import urljoin, urlparse

    if urlparse(base).scheme not in ("http", "https"):
        raise UsageError(f"--docs-url {base}: expected an http(s) URL")
    base = base if base.endswith("/") else base + "/"
    rules = tuple(replace(r, help_uri=urljoin(base, r.help_uri)) if r.help_uri and "://" not in r.help_uri else r
                  for r in result.rules)
    return replace(result, rules=rules)


class _Progress:
    """Which stage a scan is in, with the elapsed time, on one line of a terminal's stderr; gone
    when the scan ends (a log that is not a terminal gets nothing)."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self.started = time.monotonic()
        self.shown = False

    def __call__(self, stage: str) -> None:
        if self.enabled:
            click.echo(f"\r\x1b[2Ksnclint: {stage}… {time.monotonic() - self.started:.1f} s", err=True, nl=False)
            self.shown = True

    def done(self) -> None:
        if self.shown:
            click.echo("\r\x1b[2K", err=True, nl=False)
            elapsed = time.monotonic() - self.started
            if elapsed >= 2:
                click.echo(f"snclint: scanned in {elapsed:.1f} s", err=True)


def _check_rule_ids(rules: Sequence[RuleInfo], config: Config, select: tuple[str, ...],
                    ignore: tuple[str, ...]) -> None:
    from linter.rules.selection import check_rule_ids

    check_rule_ids(rules, select, "--select")
    check_rule_ids(rules, ignore, "--ignore")
    check_rule_ids(rules, config.select, f"{config.path}: select")
    check_rule_ids(rules, config.ignore, f"{config.path}: ignore")
    for index, exception in enumerate(config.exceptions):
        check_rule_ids(rules, (exception.rule,), f"{config.path}: exceptions.{index}.rule", prefixes=False)


def _nothing_scanned(result: ScanResult, stdin: bytes | None) -> bool:
    """No file read and nothing piped in: a gate that passes on that checks nothing (a wrong path
    in CI, an empty ``helm template`` output)."""
    return not [f for f in result.files if f != "-"] and not (stdin or b"").strip()


def _parse_report(text: str) -> tuple[str, str]:
    name, sep, file = text.partition(":")
    if not sep or name not in FORMATS or not file:
        raise UsageError(f"--report {text!r}: expected FORMAT:FILE with FORMAT one of {', '.join(FORMATS)}")
    return name, file


def _apply_baseline(result: ScanResult, path: str) -> ScanResult:
    from linter.errors import ConfigError
    from linter.rules.baseline import apply_baseline

    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as err:
        raise ConfigError(f"{path}: cannot read baseline: {err.strerror}") from None
    findings, stats = apply_baseline(result.findings, text, path)
    return replace(result, findings=tuple(sorted(findings, key=lambda f: f.sort_key())),
                   baseline={"baselined": stats.baselined, "fixed": stats.fixed})


def exit_code(result: ScanResult, fail_on: str, fail_rules: Sequence[str] = ()) -> int:
    """1 when an active finding reaches ``fail_on`` or is of one of ``fail_rules``."""
    if any(f.rule_id in fail_rules for f in result.active):
        return EXIT_FINDINGS
    if fail_on == "never":
        return EXIT_OK
    threshold = Severity.parse(fail_on)
    return EXIT_FINDINGS if any(f.severity >= threshold for f in result.active) else EXIT_OK


@cli.command()
@click.argument("paths", nargs=-1)
@click.option("-f", "--format", "fmt", type=click.Choice(["json", "dot", "graphml", "mermaid"]), default="json")
@click.option("-o", "--output")
@click.option("--only-sensitive", is_flag=True, help="Only the sensitive objects and what they are hosted on.")
@click.option("--jobs", type=click.IntRange(min=0), default=0, help="Worker processes (0: automatic).")
@click.option("--no-cache", is_flag=True,
              help="Do not read or write the parse cache (nor the compiled shipped knowledge).")
@_context_options
@click.pass_context
def graph(ctx: click.Context, paths: tuple[str, ...], **options: Any) -> None:
    """Print the dependency graph of a scan (the scan's own: same cache, same workers)."""
    ctx.exit(_graph(GraphArgs(paths=_scanned(paths), **options)))


@_guard
def _graph(args: GraphArgs) -> int:
    from linter.compiled import use_cache
    from linter.scan_memo import graph_export

    use_cache(not args.no_cache)
    given = _context(args)
    options = replace(given.scan_options(), jobs=args.jobs, cache=not args.no_cache)
    export = graph_export(options, given.config, given.knowledge, f"{args.fmt}:{args.only_sensitive}")
    _stream(lambda out: export.write(lambda context, into: _write_graph(args, context, into), out), args.output)
    return EXIT_OK


def _write_graph(args: GraphArgs, context: GraphContext, out: Out) -> None:
    from linter.graph.export import WRITERS  # not for a kept export: no graph library is loaded then

    WRITERS[args.fmt](context, out, args.only_sensitive)


def _stream(write: Callable[[TextIO], None], output: str | None) -> None:
    """``write`` into ``output`` (or standard output) as it goes, not through one string."""
    if not output or output == "-":
        if sys.stdout is None:  # standard output closed (``>&-``): nowhere to write, as ``click.echo`` does
            return
        try:
            write(sys.stdout)
            sys.stdout.flush()
        except BrokenPipeError:
            _reader_gone()
        return
    try:
        with open(output, "w", encoding="utf-8") as out:
            write(out)
    except OSError as err:
        raise UsageError(f"{output}: cannot write: {err.strerror}") from None


def _tty(stream: TextIO | None) -> bool:
    """Whether ``stream`` is a terminal (None: the stream was closed before the command, ``>&-``)."""
    return stream is not None and stream.isatty()


def _reader_gone() -> None:
    """The reader of standard output stopped early (``snclint graph | head``): the rest of the
    output goes nowhere and the command ends as it would have, without an error of its own."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)


def _run(given: _Context) -> Scan:
    from linter.scan import run_scan

    return run_scan(given.scan_options(), given.config, given.knowledge)


@cli.command()
@click.argument("subject")
@click.argument("paths", nargs=-1)
@_context_options
@click.pass_context
def explain(ctx: click.Context, subject: str, paths: tuple[str, ...], **options: Any) -> None:
    """Explain a rule (SNC001) or how a resource address became sensitive and where it runs."""
    ctx.exit(_explain(subject, ContextArgs(paths=_scanned(paths), **options)))


@_guard
def _explain(subject: str, args: ContextArgs) -> int:
    from linter.explain import explain_address, explain_rule

    given = _context(args)
    rule = given.knowledge.rule(subject.upper())
    if rule is not None:
        click.echo(explain_rule(rule))
        return EXIT_OK
    text = explain_address(_run(given), subject)
    if text is None:
        raise UsageError(f"{subject!r} is neither a rule id nor an address found under {' '.join(args.paths)}")
    click.echo(text)
    return EXIT_OK


@cli.command()
@click.option("--catalog", "catalogs", multiple=True)
@click.pass_context
def providers(ctx: click.Context, catalogs: tuple[str, ...]) -> None:
    """The provider catalogue: status, offers, regions, since, sources."""
    ctx.exit(_providers(catalogs))


@_guard
def _providers(catalogs: tuple[str, ...]) -> int:
    from linter.policy_files import load_knowledge
    from linter.providers_table import format_providers

    click.echo(format_providers(load_knowledge((), catalogs).catalog), nl=False)
    return EXIT_OK


@cli.group(invoke_without_command=True)
@click.option("--markdown", is_flag=True, help="The rules' documentation as Markdown.")
@click.option("--policies", "dirs", multiple=True, help="Another policy directory (its rules are listed too).")
@click.option("-c", "--config", "config_file", help="Config file (default: .snclint.yaml from here upward).")
@click.pass_context
def policies(ctx: click.Context, markdown: bool, dirs: tuple[str, ...], config_file: str | None) -> None:
    """List the rules (with the config's and --policies' packs), or validate a policy directory."""
    if ctx.invoked_subcommand is None:
        ctx.exit(_list_policies(markdown, dirs, config_file))


@_guard
def _list_policies(markdown: bool, dirs: tuple[str, ...], config_file: str | None) -> int:
    from linter.explain import rules_markdown

    rules = _setup(ContextArgs(paths=(".",), config_file=config_file, policies=dirs))[1].rules
    if markdown:
        click.echo(rules_markdown(rules), nl=False)
        return EXIT_OK
    for rule in rules:
        click.echo(f"{rule.id}  {rule.severity.label:<8} {rule.title}")
    return EXIT_OK


@policies.command("validate")
@click.argument("directory")
@click.pass_context
def validate(ctx: click.Context, directory: str) -> None:
    """Check a policy directory against the schemas."""
    from linter.policy_files import validate_policy_dir

    problems = validate_policy_dir(directory)
    for line in problems:
        click.echo(line, err=True)
    if not problems:
        click.echo(f"{directory}: valid")
    ctx.exit(EXIT_ERROR if problems else EXIT_OK)


@cli.command()
@click.argument("reports", nargs=-1, required=True)
@click.option("-f", "--format", "fmt", type=click.Choice(FORMATS), default="json", show_default=True)
@click.option("-o", "--output", help="Write the report to FILE instead of standard output.")
@click.option("--report", "extra", multiple=True, metavar="FORMAT:FILE", help="Another report of the merge.")
@click.option("--fail-on", type=click.Choice(["error", "warning", "info", "never"]), default="error",
              show_default=True, help="Lowest severity that fails the run, as for scan.")
@click.option("--policies", multiple=True, help="Policy directories of the scans (their rules' documentation).")
@click.option("--lang", type=click.Choice(["en", "fr"]), default="en", show_default=True,
              help="Language of the HTML report.")
@click.pass_context
def merge(ctx: click.Context, **options: Any) -> None:
    """Merge the JSON reports of many repositories into one report, in any format."""
    ctx.exit(_merge(MergeArgs(**options)))


@_guard
def _merge(args: MergeArgs) -> int:
    from linter.merge import merge_reports
    from linter.policy_files import load_knowledge
    from linter.reporters.text import summary_line

    others = [_parse_report(r) for r in args.extra]
    result = merge_reports(args.reports, load_knowledge(args.policies).rules)
    render = RenderOptions(lang=args.lang)
    _write(REPORTERS[args.fmt](result, render), args.output)
    for name, file in others:
        _write(REPORTERS[name](result, render), file)
    if args.output and args.output != "-":
        click.echo(summary_line(result), err=True)
    return exit_code(result, args.fail_on)


def run() -> NoReturn:
    """The console script and ``python -m linter``: ``main``, then exit without freeing, object by
    object, what the operating system takes back at once (a small scan's imports and knowledge: about
    a fifth of a pre-commit run). Files are still flushed and closed and ``atexit`` handlers still run:
    only the cyclic collector leaves the frozen objects alone. The collector is paced as a scan paces
    it (``linter.gc_pacing``) from the start: the modules a command imports are long-lived objects too."""
    from linter.gc_pacing import fewer_collections

    with fewer_collections():
        code = main()
    gc.freeze()
    sys.exit(code)


def main(argv: Sequence[str] | None = None) -> int:
    """Console entry point; returns the exit code (click usage errors give 2 as well), once what
    the command handed to a child process is done (``linter.forked.aside``: imported by what did)."""
    try:
        return _main(argv)
    finally:
        handed = sys.modules.get("linter.forked")
        if handed is not None:
            handed.wait_aside()


def _main(argv: Sequence[str] | None) -> int:
    try:
        code = cli.main(args=list(argv) if argv is not None else None, prog_name="snclint", standalone_mode=False)
    except click.exceptions.Exit as done:
        return int(done.exit_code or 0)
    except click.exceptions.NoArgsIsHelpError as err:  # `snclint` alone: the help, as asked
        click.echo(err.format_message(), err=True)
        return EXIT_ERROR
    except click.ClickException as err:  # one line, as every other error (docs/architecture.md#exit-codes)
        click.echo(f"snclint: error: {_one_line(err)}", err=True)
        return EXIT_ERROR
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        return EXIT_ERROR
    return code if isinstance(code, int) else EXIT_OK


def _one_line(err: click.ClickException) -> str:
    message = " ".join(err.format_message().split())
    context = getattr(err, "ctx", None)
    if isinstance(err, click.UsageError) and context is not None:
        message += f" (see {context.command_path} --help)"
    return message
