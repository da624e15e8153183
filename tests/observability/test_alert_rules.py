"""The alert rules pass ``promtool check rules``, and behave as ``alerts_test.yml`` says (``promtool test rules``)."""

from __future__ import annotations

from pathlib import Path

from .promtool import promtool

RULES = Path(__file__).resolve().parents[2] / "deploy" / "prometheus"


def test_the_alert_rules_are_valid() -> None:
    checked = promtool("check", "rules", "alerts.yml", cwd=RULES)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "SUCCESS: 7 rules found" in checked.stdout


def test_each_alert_fires_when_it_should_and_not_before() -> None:
    tested = promtool("test", "rules", "alerts_test.yml", cwd=RULES)
    assert tested.returncode == 0, tested.stdout + tested.stderr
    alerts = {line.split("alert: ")[1].strip() for line in (RULES / "alerts.yml").read_text().splitlines()
              if "- alert: " in line}  # fmt: skip
    tests = (RULES / "alerts_test.yml").read_text()
    assert {alert for alert in alerts if f"alertname: {alert}" not in tests} == set(), "every alert has a test"


def test_promtool_fails_a_rule_that_does_not_hold(tmp_path: Path) -> None:
    (tmp_path / "alerts.yml").write_text((RULES / "alerts.yml").read_text().replace("> 300\n", "> 3000\n"))
    (tmp_path / "alerts_test.yml").write_text((RULES / "alerts_test.yml").read_text())
    assert promtool("test", "rules", "alerts_test.yml", cwd=tmp_path).returncode != 0
