"""Collects the YAML rule cases of ``cases/`` (OpenFisca-style: period, inputs, outputs,
margin) as pytest items; runners are in ``yaml_cases.py``."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from .yaml_cases import CASE_KEYS, RUNNERS, CaseFailure, run_case

CASES_DIR = Path(__file__).with_name("cases")


def pytest_collect_file(parent: pytest.Collector, file_path: Path):
    if file_path.suffix == ".yaml" and file_path.parent == CASES_DIR:
        return YamlCaseFile.from_parent(parent, path=file_path)
    return None


class YamlCaseFile(pytest.File):
    def collect(self):
        cases = yaml.safe_load(self.path.read_text(encoding="utf-8"))
        if not isinstance(cases, list):
            raise CaseFailure(f"{self.path.name} : liste de cas attendue")
        for index, case in enumerate(cases):
            if not isinstance(case, dict) or "name" not in case:
                raise CaseFailure(f"{self.path.name}[{index}] : cas sans « name »")
            unknown = set(case) - CASE_KEYS
            if unknown:
                raise CaseFailure(f"{self.path.name} / {case['name']} : clés inconnues {unknown}")
            if case.get("rule") not in RUNNERS:
                raise CaseFailure(f"{self.path.name} / {case['name']} : règle inconnue")
            yield YamlCase.from_parent(self, name=case["name"], case=case)


class YamlCase(pytest.Item):
    def __init__(self, *, case: dict, **kwargs) -> None:
        super().__init__(**kwargs)
        self.case = case

    def runtest(self) -> None:
        run_case(self.case)

    def repr_failure(self, excinfo, style=None):
        if isinstance(excinfo.value, CaseFailure):
            return f"{self.path.name} / {self.name} : {excinfo.value}"
        return super().repr_failure(excinfo, style=style)

    def reportinfo(self):
        return self.path, 0, f"cas : {self.name}"
