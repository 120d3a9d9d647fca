"""axe-core (pinned in package-lock.json, installed by ``make test`` with ``npm ci``) run in
the page against the WCAG 2.1 A and AA rules.

The app's Content-Security-Policy forbids scripts it did not serve, so the browser contexts
that inject axe are made with ``bypass_csp=True`` - only in the accessibility tests."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import BrowserContext, Page

ROOT = Path(__file__).resolve().parents[2]
AXE_SCRIPT = ROOT / "node_modules" / "axe-core" / "axe.min.js"
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

_RUN = """async (tags) => {
  const result = await axe.run(document, {
    runOnly: {type: 'tag', values: tags},
    resultTypes: ['violations'],
  });
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
    nodes: v.nodes.map(n => ({target: n.target.join(' '), summary: n.failureSummary})),
  }));
}"""


def axe_missing() -> str | None:
    """Why axe cannot run, or None."""
    if AXE_SCRIPT.exists():
        return None
    return (f"{AXE_SCRIPT.relative_to(ROOT)} is missing: run `make axe` "
            "(npm ci --ignore-scripts installs the pinned axe-core)")


def preload(context: BrowserContext) -> None:
    """Load axe into every page the context opens from now on (saves injecting it per page)."""
    context.add_init_script(path=str(AXE_SCRIPT))


def violations(page: Page) -> list[dict]:
    """The WCAG 2.1 A/AA violations axe finds on the page as it is now."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE_SCRIPT))
    return page.evaluate(_RUN, WCAG_21_AA)


def describe(found: list[dict], where: str) -> str:
    """A readable failure message: rule, impact, help URL and the elements concerned."""
    lines = [f"{len(found)} accessibility violation(s) on {where}:"]
    for v in found:
        lines.append(f"- {v['id']} ({v['impact']}): {v['help']} <{v['helpUrl']}>")
        for node in v["nodes"][:6]:
            lines.append(f"    {node['target']}")
            lines.extend(f"      {line}" for line in (node["summary"] or "").splitlines()[:4])
        if len(v["nodes"]) > 6:
            lines.append(f"    … and {len(v['nodes']) - 6} more")
    return "\n".join(lines)
