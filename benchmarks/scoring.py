"""Scoring one assessment and loading the questionnaires, beside the bare work they wrap.

Floors: for scoring, a plain loop that takes each answer's level and averages per dimension (no
validation, no states, no bands); for loading, PyYAML's libyaml safe loader on the same files.
"""
from __future__ import annotations

import random
import statistics
import time
from collections import defaultdict
from pathlib import Path

import yaml

from benchmarks.report import Figure
from maturity.questionnaires import load_questionnaires
from maturity.questionnaires.loader import QUESTIONNAIRES_DIR, _cache
from maturity.scoring import score


def _median_ms(fn, repeat: int, inner: int) -> float:
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        for _ in range(inner):
            fn()
        samples.append((time.perf_counter() - start) / inner * 1000)
    return statistics.median(samples)


def _random_answers(questionnaire, rng: random.Random) -> dict:
    answers = {}
    for item in questionnaire.items:
        own = [o.id for o in item.options if not o.reserved]
        if item.multiple:
            answers[item.id] = rng.sample(own, rng.randint(1, len(own)))
        else:
            answers[item.id] = rng.choice(own + ["dk"] + (["na"] if item.na_offered else []))
    return answers


def _plain_loop(questionnaire, answers: dict) -> dict:
    sums, weights = defaultdict(float), defaultdict(float)
    for item in questionnaire.items:
        if not item.scored:
            continue
        value = answers.get(item.id)
        if item.type == "checklist":
            ticked = value if isinstance(value, list) else []
            level = 5 * sum(item.option(o).weight or 0 for o in ticked if item.option(o)) / (item.practice_weight or 1)
        else:
            option = item.option(value) if isinstance(value, str) else None
            level = option.level if option is not None and option.level is not None else 0
        sums[item.dimension] += item.weight * level
        weights[item.dimension] += item.weight
    return {d: sums[d] / weights[d] * 20 for d in sums}


def run(_seconds: int) -> list[Figure]:
    questionnaire_set = load_questionnaires()
    biggest = max(questionnaire_set, key=lambda q: len(q.items))
    rng = random.Random(7)
    answer_sets = [_random_answers(biggest, rng) for _ in range(50)]
    it = iter(range(10**9))

    def score_one() -> None:
        score(biggest, answer_sets[next(it) % 50], {})

    def floor_one() -> None:
        _plain_loop(biggest, answer_sets[next(it) % 50])

    scoring = _median_ms(score_one, 15, 200)
    floor = _median_ms(floor_one, 15, 200)

    files = sorted(Path(QUESTIONNAIRES_DIR).glob("*.yaml"))

    def load_once() -> None:
        _cache.clear()
        load_questionnaires()

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

    def yaml_only() -> None:
        for f in files:
            yaml.load(f.read_text(), Loader=loader)  # noqa: S506 - a safe loader

    loading = _median_ms(load_once, 7, 3)
    yaml_floor = _median_ms(yaml_only, 7, 3)
    return [
        Figure(f"score one assessment ({biggest.id}, {sum(i.scored for i in biggest.items)} items)", scoring, floor, "ms",
               goal="well under 1 ms"),
        Figure(f"load + validate + compose questionnaires ({len(files)} files)", loading, yaml_floor, "ms",
               goal="once at start-up", note="floor: PyYAML (libyaml safe loader) parsing the same files, nothing else"),
    ]
