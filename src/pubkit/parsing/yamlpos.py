"""YAML loading that remembers where every key and value came from.

PyYAML's composed nodes carry start marks; we walk them once, building plain Python data and a
map from key path (e.g. ``("body", 3, "text")``) to line and column, so that validation can work
on plain data and still point at the exact spot in the file.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import yaml

from ..diagnostics import Diagnostic, Location, error

Path_ = tuple  # a key path: strings for mapping keys, ints for sequence indexes
# libyaml's parser where PyYAML has it (ten times faster; the same nodes and marks)
FAST_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True)
class Positions:
    file: str
    values: dict[Path_, tuple[int, int]] = field(default_factory=dict)
    keys: dict[Path_, tuple[int, int]] = field(default_factory=dict)
    line_offset: int = 0  # for YAML embedded in another file (front matter)

    def value(self, path: Path_) -> Location:
        """Where the value at ``path`` starts, or its nearest known ancestor."""
        return self._find(self.values, path)

    def key(self, path: Path_) -> Location:
        """Where the key of ``path`` starts (falls back to the value)."""
        if path in self.keys:
            line, col = self.keys[path]
            return Location(self.file, line + self.line_offset, col)
        return self.value(path)

    def _find(self, table: dict, path: Path_) -> Location:
        while path not in table and path:
            path = path[:-1]
        line, col = table.get(path, (1, 1))
        return Location(self.file, line + self.line_offset, col)


class _Constructor(yaml.constructor.SafeConstructor):
    pass


def _scalar(node: yaml.ScalarNode):
    return _Constructor().construct_object(node, deep=True)


def load_yaml(text: str, file: str, line_offset: int = 0) -> tuple[object, Positions, list[Diagnostic]]:
    """Parse ``text``; return (data, positions, diagnostics). Data is None on a syntax error."""
    positions = Positions(file, line_offset=line_offset)
    try:
        node = yaml.compose(text, Loader=FAST_LOADER)
    except yaml.YAMLError:
        node = None  # libyaml words its errors differently: let the Python parser say it, as always
    try:
        if node is None:
            node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = Location(file, mark.line + 1 + line_offset, mark.column + 1) if mark else Location(file)
        problem = exc.problem or "invalid YAML"
        context = ""
        if exc.context and exc.context_mark:
            start = exc.context_mark
            context = f" ({exc.context} that starts at {start.line + 1 + line_offset}:{start.column + 1})"
        elif exc.context:
            context = f" ({exc.context})"
        return None, positions, [error("Y001", f"invalid YAML: {problem}{context}", where)]
    except yaml.reader.ReaderError as exc:  # a character YAML does not allow, such as a NUL or an ESC
        before = text[: exc.position]
        line, col = before.count("\n") + 1, exc.position - (before.rfind("\n") + 1) + 1
        return None, positions, [error("Y001", f"invalid YAML: the control character U+{exc.character:04X} is not "
                                               "allowed; remove it", Location(file, line + line_offset, col))]
    if node is None:
        return None, positions, []
    problems: list[Diagnostic] = []
    data = _walk(node, (), positions, problems)
    return data, positions, problems


def _mark(node: yaml.Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


def _walk(node: yaml.Node, path: Path_, positions: Positions, problems: list[Diagnostic]):
    positions.values[path] = _mark(node)
    if isinstance(node, yaml.MappingNode):
        result: dict = {}
        for key_node, value_node in node.value:
            key = _constructed(key_node, positions, problems) if isinstance(key_node, yaml.ScalarNode) else str(key_node.value)
            key = key if isinstance(key, str) else str(key)
            if key in result:
                line, col = _mark(key_node)
                problems.append(error(
                    "Y002", f"duplicate key '{key}': a key may appear once in a mapping",
                    Location(positions.file, line + positions.line_offset, col)))
                continue
            positions.keys[path + (key,)] = _mark(key_node)
            result[key] = _walk(value_node, path + (key,), positions, problems)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [_walk(item, path + (i,), positions, problems) for i, item in enumerate(node.value)]
    return _constructed(node, positions, problems)


def _constructed(node: yaml.ScalarNode, positions: Positions, problems: list[Diagnostic]):
    """A scalar's value; a tag no constructor reads (``!x``) is reported where it stands."""
    try:
        return _scalar(node)
    except yaml.constructor.ConstructorError:
        line, col = _mark(node)
        problems.append(error("Y003", f"YAML tag '{node.tag}' is not one pubkit reads; write the value without it",
                              Location(positions.file, line + positions.line_offset, col)))
        return None
