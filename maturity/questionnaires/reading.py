"""Read questionnaire YAML: `yaml.safe_load` semantics, duplicate keys refused, and fast.

PyYAML builds Python objects in pure Python even with libyaml, which made the shipped files
take ~150 ms to read. Here libyaml composes the node tree (tags resolved exactly as
`safe_load` resolves them, YAML 1.1 booleans included, so `No` is still False and the schema
still rejects it), and the common nodes (str, map, seq) are turned into Python objects by a
short loop; any other tag (int, float, bool, null, timestamps, merge keys, sets…) is handed
to PyYAML's own SafeConstructor, so the result equals `yaml.safe_load`.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from yaml.constructor import ConstructorError, SafeConstructor
from yaml.nodes import MappingNode, Node, SequenceNode

from maturity.questionnaires.problems import FileProblem

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_STR = "tag:yaml.org,2002:str"
_MAP = "tag:yaml.org,2002:map"
_SEQ = "tag:yaml.org,2002:seq"
_MERGE = "tag:yaml.org,2002:merge"


class _Builder:
    """Turns a node tree into Python objects, refusing duplicate mapping keys."""

    def __init__(self) -> None:
        self.constructor = SafeConstructor()

    def build(self, node: Node) -> Any:
        tag = node.tag
        if tag == _STR:
            return node.value
        if tag == _MAP and isinstance(node, MappingNode) and not any(
                k.tag == _MERGE for k, _ in node.value):
            return self._mapping(node)
        if tag == _SEQ and isinstance(node, SequenceNode):
            return [self.build(child) for child in node.value]
        return self.constructor.construct_object(node, deep=True)

    def _mapping(self, node: MappingNode) -> dict[Any, Any]:
        out: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = self.build(key_node)
            try:
                duplicate = key in out
            except TypeError:
                raise ConstructorError("while constructing a mapping", node.start_mark,
                                       "found an unhashable key", key_node.start_mark) from None
            if duplicate:
                # PyYAML silently keeps the last of two equal keys; that hides a mistake.
                raise ConstructorError("while constructing a mapping", node.start_mark,
                                       f"found duplicate key {key!r}", key_node.start_mark)
            out[key] = self.build(value_node)
        return out


def parse_yaml(text: str) -> Any:
    """Parse one YAML document like `yaml.safe_load`, but refuse duplicate keys."""
    node = yaml.compose(text, Loader=_Loader)  # a SafeLoader: builds no Python objects
    return None if node is None else _Builder().build(node)


def read_directory(directory: Path) -> tuple[dict[str, Any], list[FileProblem]]:
    """Parse every `*.yaml` of `directory`: ({file name: data}, YAML problems)."""
    docs: dict[str, Any] = {}
    problems: list[FileProblem] = []
    for path in sorted(directory.glob("*.yaml")):
        try:
            docs[path.name] = parse_yaml(path.read_text(encoding="utf-8"))
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            line = f" at line {mark.line + 1}" if mark is not None else ""
            reason = getattr(exc, "problem", None) or str(exc)
            problems.append(FileProblem(path.name, None, f"YAML error{line}: {reason}"))
        except (OSError, UnicodeDecodeError, RecursionError) as exc:
            problems.append(FileProblem(path.name, None, f"cannot read the file: {exc!r}"))
    return docs, problems
