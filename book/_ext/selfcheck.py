"""Self-checks in the page: the count and shape exercises answered in the browser, no kernel.

For every exercise whose answers are whole numbers or shapes (found by running its reference
solution), this extension asks the exercise's own Python checker, at build time, what it says to
the answers learners give: the right one, the mistakes it names (the numbers and shapes the
checker compares with, found by watching its comparisons, and the usual shape slips: the batch
axis left out, axes swapped, a wrong size), and a number or shape it does not know. The page gets
that table and a small form after the exercise's check cell; ``_static/selfcheck.js`` answers
from the table, with the checker's own words.

No answer is readable in the page: answers are looked up by a hash, and the checker's note for a
right answer (which may show the working) is stored XOR-ed with a key made from the right answer
itself, so only typing it opens the note. It keeps the answer out of sight, not out of reach.

Also: each chapter's "Exercises" section says where the student edition is.
"""

from __future__ import annotations

import base64
import contextlib
import functools
import html
import importlib
import itertools
import json
import numbers
import re
from typing import Any

from docutils import nodes

CHECK_CALL = re.compile(r"\b(ch\d\d[a-z]?)\.(q\d+)\.check\(")
MAX_EVALUATIONS = 400
_MAGIC = "✔|"
_FAR = (7919, 104729)  # numbers no exercise is about: what the checker says to any wrong answer


# ---------------------------------------------------------------- hashing and the note's key
def fnv1a(text: str) -> int:
    """32-bit FNV-1a of the UTF-8 bytes (``_static/selfcheck.js`` computes the same)."""
    h = 0x811C9DC5
    for byte in text.encode("utf-8"):
        h ^= byte
        h = (h * 0x01000193) & 0xFFFFFFFF
    return h


def answer_hash(exercise: str, field: str, canonical: str) -> str:
    return f"{fnv1a(f'{exercise}|{field}|{canonical}'):08x}"


def _keystream(seed: int, n: int) -> bytes:
    """xorshift32 from ``seed``; the same in the JavaScript."""
    state = seed or 0x9E3779B9
    out = bytearray()
    for _ in range(n):
        state ^= (state << 13) & 0xFFFFFFFF
        state ^= state >> 17
        state ^= (state << 5) & 0xFFFFFFFF
        out.append(state & 0xFF)
    return bytes(out)


def _xor(data: bytes, exercise: str, canonicals: list[str]) -> bytes:
    seed = fnv1a(f"{exercise}|key|" + "|".join(canonicals))
    return bytes(a ^ b for a, b in zip(data, _keystream(seed, len(data)), strict=True))


def seal(exercise: str, canonicals: list[str], note: str) -> str:
    """The note, readable only with the right answers: base64 of (MAGIC + note) XOR a keystream."""
    return base64.b64encode(_xor((_MAGIC + note).encode("utf-8"), exercise, canonicals)).decode()


def unseal(exercise: str, canonicals: list[str], sealed: str) -> str | None:
    text = _xor(base64.b64decode(sealed), exercise, canonicals).decode("utf-8", "replace")
    return text[len(_MAGIC) :] if text.startswith(_MAGIC) else None


# ---------------------------------------------------------------- answers as the page writes them
def canonical(value: Any) -> str:
    """How the page writes an answer: ``1600``; ``(None, 5, 1)``; ``(5,)``."""
    if isinstance(value, tuple):
        items = ["None" if d is None else str(int(d)) for d in value]
        return "(" + ", ".join(items) + ("," if len(items) == 1 else "") + ")"
    return str(int(value))


def _kind(value: Any) -> str | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, numbers.Integral):
        return "count"
    if isinstance(value, tuple) and all(
        d is None or (isinstance(d, numbers.Integral) and not isinstance(d, bool)) for d in value
    ):
        return "shape"
    return None


def reference_answers(ex: Any) -> list | None:
    """The exercise's right answers, from its solution, when each is a number or a shape."""
    if not ex.solution_code:
        return None
    import keras
    import numpy as np
    from keras import layers

    namespace: dict[str, Any] = {"keras": keras, "layers": layers, "np": np}
    try:
        exec(ex.solution_code, namespace)  # the reference solution, written by the book
    except Exception:
        return None  # it needs the chapter's data or model: not a count or shape exercise
    values = [namespace.get(name) for name in ex.answers]
    if not values or any(_kind(v) is None for v in values):
        return None
    return [tuple(v) if isinstance(v, tuple) else int(v) for v in values]


# ---------------------------------------------------------------- what the checker compares with
class _Seen(int):
    """An int that notes every number it is compared with."""

    notes: set

    def _note(self, other: Any) -> None:
        if isinstance(other, numbers.Integral) and not isinstance(other, bool):
            self.notes.add(int(other))

    def __eq__(self, other: Any) -> bool:
        self._note(other)
        return int(self) == other

    def __ne__(self, other: Any) -> bool:
        self._note(other)
        return int(self) != other

    def __lt__(self, other: Any) -> bool:
        self._note(other)
        return int(self) < other

    def __le__(self, other: Any) -> bool:
        self._note(other)
        return int(self) <= other

    def __gt__(self, other: Any) -> bool:
        self._note(other)
        return int(self) > other

    def __ge__(self, other: Any) -> bool:
        self._note(other)
        return int(self) >= other

    __hash__ = int.__hash__


class _SeenShape(tuple):
    """A shape that notes every shape it is compared with."""

    notes: set

    def __eq__(self, other: Any) -> bool:
        if isinstance(other, tuple) and _kind(other) == "shape":
            self.notes.add(tuple(other))
        return tuple(self) == other

    def __ne__(self, other: Any) -> bool:
        return not self.__eq__(other)

    __hash__ = tuple.__hash__


@contextlib.contextmanager
def _watching(numbers_seen: set, shapes_seen: set):
    from labsupport.exercises import expect

    whole_number, shape = expect.whole_number, expect.shape

    def seen_number(*args: Any, **kwargs: Any) -> int:
        n = _Seen(whole_number(*args, **kwargs))
        n.notes = numbers_seen
        return n

    def seen_shape(*args: Any, **kwargs: Any) -> tuple:
        s = _SeenShape(shape(*args, **kwargs))
        s.notes = shapes_seen
        return s

    expect.whole_number, expect.shape = seen_number, seen_shape
    try:
        yield
    finally:
        expect.whole_number, expect.shape = whole_number, shape


def _shape_slips(right: tuple, numbers_of_exercise: set) -> set:
    """The shapes learners write instead: batch axis left out or added, axes swapped, one size
    wrong (another number of the exercise, or off by one), an axis dropped or repeated."""
    out: set = set()
    body = right[1:] if right and right[0] is None else right
    batch = right[:1] if right and right[0] is None else ()
    out.add(tuple(body))
    out.add((None, *right))
    for perm in itertools.islice(itertools.permutations(body), 120):
        out.add((*batch, *perm))
    sizes = {n for n in numbers_of_exercise if 0 < n < 100_000} | {1}
    for i, d in enumerate(body):
        for n in sizes | {d - 1, d + 1} if d is not None else sizes:
            if n is not None and n > 0:
                out.add((*batch, *body[:i], n, *body[i + 1 :]))
        out.add((*batch, *body[:i], *body[i + 1 :]))
        out.add((*batch, *body[: i + 1], d, *body[i + 1 :]))
    out.discard(right)
    return {s for s in out if s}


def _module_numbers(module: Any) -> set:
    return {
        int(v)
        for k, v in vars(module).items()
        if k.isupper() and isinstance(v, numbers.Integral) and not isinstance(v, bool)
    }


def _template(message: str, answer: Any) -> str:
    """The message with the answer written as ``{answer}`` (or ``{answer:,}`` for 1,600), where
    the message names it as a whole word."""
    if isinstance(answer, tuple):
        return message.replace(repr(answer), "{answer}")
    forms = [(f"{answer:,}", "{answer:,}")] if answer >= 1000 else []
    for written, mark in [*forms, (str(answer), "{answer}")]:
        pattern = rf"(?<![\w.,(]){re.escape(written)}(?![\w(]|[.,]\d)"
        message = re.sub(pattern, mark, message)
    return message


def _is_generic(message: str, answer: Any, generic: str | None) -> bool:
    if generic is None:
        return False
    forms = {generic}
    if isinstance(answer, int) and answer < 1000:  # 1,000 and 1000 differ; 999 is written once
        forms.add(generic.replace("{answer:,}", "{answer}"))
    return _template(message, answer) in forms


def _checker_says(ex: Any, values: list) -> tuple[str, str]:
    feedback = ex.evaluate(*values)
    return feedback.outcome.name.lower(), feedback.message


def _field_table(ex: Any, right: list, index: int, extra_numbers: set) -> dict:
    name = ex.answers[index]
    value = right[index]
    kind = _kind(value)
    numbers_seen: set = set()
    shapes_seen: set = set()
    said: dict = {}

    def ask(candidate: Any) -> None:
        if candidate in said or len(said) >= MAX_EVALUATIONS:
            return
        values = list(right)
        values[index] = candidate
        with _watching(numbers_seen, shapes_seen):
            said[candidate] = _checker_says(ex, values)

    if kind == "count":
        queue = [value, 0, 1, value + 1, max(value - 1, 0), 2 * value, *_FAR]
        while queue and len(said) < MAX_EVALUATIONS:
            ask(queue.pop(0))
            fresh = sorted(n for n in numbers_seen if n >= 0 and n not in said)
            queue.extend(n for n in fresh if n not in queue)
    else:
        batch = (None,) if value and value[0] is None else ()
        far = [(*batch, *[f] * (len(value) - len(batch))) for f in _FAR]
        for candidate in [value, *far, *_shape_slips(value, extra_numbers)]:
            ask(candidate)
        for candidate in sorted(shapes_seen - set(said), key=repr):
            ask(candidate)

    generic = None
    far_said = [said.get(c) for c in (_FAR if kind == "count" else far)]
    templates = {
        _template(msg, c)
        for c, (outcome, msg) in zip(_FAR if kind == "count" else far, far_said, strict=True)
    }
    if len(templates) == 1 and all(o == "incorrect" for o, _ in far_said):
        generic = templates.pop()
    rights, named, named_examples = [], {}, []
    for candidate, (outcome, message) in said.items():
        key = answer_hash(ex.name, name, canonical(candidate))
        if outcome == "correct":
            rights.append(candidate)
        elif outcome == "incorrect" and not _is_generic(message, candidate, generic):
            named[key] = message
            named_examples.append((candidate, message))
    named_examples.sort(key=lambda pair: pair[0] in (0, 1))  # the probes' own numbers last
    return {
        "name": name,
        "kind": kind,
        "right": sorted(answer_hash(ex.name, name, canonical(r)) for r in rights),
        "named": dict(sorted(named.items())),
        "generic": generic,
        # a shape's message for any wrong sizes holds for shapes with the right number of axes
        "axes": len(value) if kind == "shape" else None,
        "_rights": rights,
        "_named_examples": named_examples,
    }


@functools.cache
def _build(exercise_name: str) -> tuple[dict, dict] | None:
    chapter, question = exercise_name.split(".")
    module = importlib.import_module(f"labsupport.exercises.{chapter}")
    ex = getattr(module, question, None)
    right = reference_answers(ex) if ex is not None else None
    if right is None:
        return None
    extra = _module_numbers(module) | {d for v in right if isinstance(v, tuple) for d in v if d}
    fields = [_field_table(ex, right, i, extra) for i in range(len(right))]
    examples: dict = {"right": [canonical(v) for v in right], "wrong": []}
    for i, field in enumerate(fields):
        for candidate, message in field.pop("_named_examples"):
            examples["wrong"].append((i, canonical(candidate), message))
    notes = []
    for combo in itertools.product(*(f.pop("_rights") for f in fields)):
        outcome, message = _checker_says(ex, list(combo))
        if outcome == "correct":
            notes.append(seal(ex.name, [canonical(v) for v in combo], message))
    if not notes:
        return None
    page = {
        "exercise": ex.name,
        "title": ex.title,
        "fields": fields,
        "notes": notes,
        "hints": list(ex.hints),
    }
    return page, examples


def table(exercise_name: str) -> dict | None:
    """What the page needs for one exercise, or ``None`` if its answers are not counts/shapes."""
    built = _build(exercise_name)
    return built[0] if built else None


def examples(exercise_name: str) -> dict | None:
    """For tests: the right answers as the page writes them, and named mistakes with the
    checker's message: ``{"right": [...], "wrong": [(field, answer, message), ...]}``."""
    built = _build(exercise_name)
    return built[1] if built else None


# ---------------------------------------------------------------- the page
def widget_html(data: dict, student_uri: str) -> str:
    fields = "".join(
        f"<label class='selfcheck-field'><code>{html.escape(f['name'])} =</code> "
        f"<input type='text' autocomplete='off' spellcheck='false' data-field='{i}' "
        f"placeholder='{'(None, …)' if f['kind'] == 'shape' else 'a whole number'}'></label>"
        for i, f in enumerate(data["fields"])
    )
    payload = html.escape(json.dumps(data, ensure_ascii=False), quote=True)
    return (
        f"<div class='selfcheck' data-selfcheck='{payload}'>"
        f"<p class='selfcheck-title'>Try it here: <code>{html.escape(data['exercise'])}</code> "
        "checks your answer in the page, with the same advice as the notebook's check.</p>"
        f"<form class='selfcheck-form'>{fields}"
        "<button type='submit'>Check</button> <button type='button' class='selfcheck-hint'>"
        "Hint</button></form>"
        "<div class='selfcheck-result' aria-live='polite'></div>"
        "<p class='selfcheck-more'>With a kernel, the "
        f"<a href='{html.escape(student_uri)}'>student edition</a> of this chapter has every "
        "exercise without its solution.</p></div>"
    )


def _cell_of(node: nodes.Node) -> nodes.Element | None:
    while node is not None:
        if isinstance(node, nodes.container) and node.get("nb_element") == "cell_code":
            return node
        node = node.parent
    return None


def add_selfchecks(app: Any, doctree: nodes.document, docname: str) -> None:
    if app.builder.format != "html" or not docname.startswith("notebooks/"):
        return
    student_uri = app.builder.get_relative_uri(docname, "book/student-edition")
    for block in list(doctree.findall(nodes.literal_block)):
        match = CHECK_CALL.search(block.astext())
        cell = _cell_of(block) if match else None
        if cell is None or cell.parent is None:
            continue
        data = table(f"{match.group(1)}.{match.group(2)}")
        if data is None:
            continue
        raw = nodes.raw("", widget_html(data, student_uri), format="html")
        cell.parent.insert(cell.parent.index(cell) + 1, raw)
    for section in doctree.findall(nodes.section):
        title = section.next_node(nodes.title)
        if title is not None and title.astext().strip().lower() == "exercises":
            note = (
                "<p class='selfcheck-edition'>Each exercise can be done in a notebook: the "
                f"<a href='{html.escape(student_uri)}'>student edition</a> of this chapter is "
                "the same notebook without the solutions. Exercises whose answer is a number or "
                "a shape can also be checked right here in the page.</p>"
            )
            section.insert(section.index(title) + 1, nodes.raw("", note, format="html"))
            break


def setup(app: Any) -> dict:
    # _static/selfcheck.js and selfcheck.css: Jupyter Book links every file in _static/.
    app.connect("doctree-resolved", add_selfchecks)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
