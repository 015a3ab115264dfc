"""The condition DSL: compile YAML conditions into nodes and evaluate them three-valued.

A condition evaluates to True (pass), False (fail) or None (unknown: data missing). ``all`` is False if any
part is False, else unknown if any part is unknown; ``any`` is True if any part is True, else unknown if any
part is unknown; ``not`` keeps unknown. Every outcome carries the field it is about and the expected and
actual values, so a finding can say what to fix or which field to provide.

Forms (see docs/rules.md for the full reference):
  {field: PATH, op: OP, value: V}   {param: NAME, op: OP, value: V}   value_field: PATH instead of value
      options: if_missing: pass|fail|unknown (field absent), null_passes: true (explicit null passes)
  {all: [..]} {any: [..]} {not: C} {unknown_if: C} {use: NAME}
  {each: PATH, check: C, if_empty: unknown} {some: PATH, check: C} {count: PATH, where: C, op: ge, value: N}
  {consecutive_months: PATH, month_field: KEY, number_field: KEY, min: N, months: M}
  {count: PATH, distinct: [KEY..], ..} {unique: PATH, where: C, by: [KEY..]} {same_as: [PATH..], by: [KEY..]}
V is a literal, "$param.name", or "as_of" (with optional offset_months: N, N may be "$param").
Inside each/some/count a field path is relative to the item ("." is the item itself); a leading "/" makes it
absolute (/company.name). value_field paths are always absolute.

Time: `Node.shift` gives the first day after as_of on which a condition's value changes while the profile
stays as it is (a date compared with as_of, a run of insured months reaching its length); the engine checks
that day by evaluating again with as_of moved there (Ctx.today keeps the real evaluation date).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from icpcheck.engine.paths import ABSENT, compile_path, join, resolve


@dataclass(slots=True)
class Outcome:
    value: bool | None
    field: str | None = None
    expected: Any = None
    actual: Any = None
    # how actual must stand to expected where that is an order or a negation (ge, lt, ne, …):
    # "要求 2026-08-22" alone cannot say whether the date is a floor or a ceiling
    relation: str | None = None


_UNSEEN = object()  # not looked up yet (ABSENT is an answer)


@dataclass(slots=True)
class Ctx:
    root: Any
    params: Mapping[str, Any]
    as_of: dt.date
    named: Mapping[str, Node]
    # Set when as_of is a day in the future the engine looks ahead to: the real evaluation date (months from
    # then on are not recorded yet, see ConsecutiveMonths)
    today: dt.date | None = None
    # path -> its value in `root`: the rules ask for the same fields again and again (company.entity_type a
    # dozen times a profile). Shared by the contexts looking ahead (the same profile on another day).
    values: dict[tuple[Any, ...], Any] = field(default_factory=dict)
    # the named conditions time can change (timed_names(named)), found when first asked
    timed: frozenset[str] | None = None

    def value(self, path: tuple[Any, ...]) -> Any:
        """resolve(root, path), once per evaluation."""
        found = self.values.get(path, _UNSEEN)
        if found is _UNSEEN:
            found = self.values[path] = resolve(self.root, path)
        return found

    def on(self, day: dt.date) -> Ctx:
        """The same profile looked at on a later `day` (today stays the real evaluation date). Not
        dataclasses.replace: ≈ 20 µs a call, twice for every date to act on."""
        return Ctx(self.root, self.params, day, self.named, self.today or self.as_of, self.values, self.timed)

    def timed_names(self) -> frozenset[str]:
        if self.timed is None:
            self.timed = timed_names(self.named)
        return self.timed


class ConditionError(ValueError):
    """A condition in a rule file is malformed; `where` names the part (e.g. check.all[1].op)."""

    def __init__(self, message: str, where: str) -> None:
        super().__init__(message)
        self.where = where


class Node:
    def evaluate(self, ctx: Ctx, item: Any, prefix: str) -> Outcome:
        raise NotImplementedError

    def params(self) -> set[str]:
        """Parameter names this condition refers to, for validation of the rule set."""
        return set()

    def uses(self) -> set[str]:
        return set()

    def shift(self, ctx: Ctx, item: Any, prefix: str) -> dt.date | None:
        """The first day after ctx.as_of on which this condition's value changes, the profile's data as it is;
        None where time alone does not change it (or it cannot tell)."""
        return None

    def timed(self, names: Collection[str]) -> bool:
        """Whether time can change this condition (so `shift` is worth asking); `names`: the named conditions
        time can change."""
        return False


def timed_names(named: Mapping[str, Node]) -> frozenset[str]:
    """The named conditions time can change: those with a timed part, or using one that is (the least
    fixed point: a cycle of `use` alone makes nothing timed)."""
    found: frozenset[str] = frozenset()
    while True:
        now = frozenset(name for name, node in named.items() if node.timed(found))
        if now == found:
            return found
        found = now


# --- values -------------------------------------------------------------------------------------------


class Ref:
    """A right-hand side: literal, $param, as_of±months, or another field of the profile (value_field)."""

    def __init__(
        self,
        literal: Any = None,
        param: str | None = None,
        as_of: bool = False,
        offset: Any = 0,
        field: str | None = None,
    ) -> None:
        self.literal = literal
        self.param = param
        self.as_of = as_of
        self.offset = offset
        self.field = field
        self.field_path = compile_path(field) if field else ()

    def get(self, ctx: Ctx) -> Any:
        if self.field is not None:
            return resolve(ctx.root, self.field_path)
        if self.param is not None:
            return ctx.params[self.param]
        if self.as_of:
            return add_months(ctx.as_of, self.months(ctx))
        return self.literal

    def months(self, ctx: Ctx) -> int:
        """The offset from as_of in months."""
        months = self.offset
        if isinstance(months, str):  # "$name" or "-$name"
            sign = -1 if months.startswith("-") else 1
            months = sign * int(ctx.params[months.lstrip("-$")])
        return int(months)

    def param_names(self) -> set[str]:
        names = {self.param} if self.param else set()
        if isinstance(self.offset, str):
            names.add(self.offset.lstrip("-$"))
        return names


def _ref(raw: Any) -> Ref:
    if isinstance(raw, str) and raw.startswith("$"):
        return Ref(param=raw[1:])
    if raw == "as_of":
        return Ref(as_of=True)
    return Ref(literal=raw)


def add_months(day: dt.date, months: int) -> dt.date:
    """`day` moved by whole calendar months, clamped to the month's last day (Jan 31 + 1 → Feb 28/29)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    if not dt.MINYEAR <= year <= dt.MAXYEAR:  # a profile date near year 1 or 9999: saturate
        return dt.date.max if year > dt.MAXYEAR else dt.date.min
    for last in (31, 30, 29, 28):
        try:
            return dt.date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")  # pragma: no cover - day 28 exists in every month


def first_change(
    holds: Callable[[dt.date], bool | None], start: dt.date, end: dt.date, near: dt.date | None = None
) -> dt.date | None:
    """The first day in (start, end] on which `holds` differs from its value at `start`, for a `holds` that
    changes at most once (a date compared with as_of ± months): a binary search over the days. `near`: a day
    close to the change, where the search splits first (the answer is the same without it)."""
    if end <= start:
        return None
    now = holds(start)
    if holds(end) == now:
        return None
    low, high = start.toordinal(), end.toordinal()
    if near is not None and start < near < end:
        if holds(near) == now:
            low = near.toordinal()
        else:
            high = near.toordinal()
    while high - low > 1:
        mid = (low + high) // 2
        if holds(dt.date.fromordinal(mid)) == now:
            low = mid
        else:
            high = mid
    return dt.date.fromordinal(high)


def months_between(start: dt.date, end: dt.date) -> int:
    """Whole calendar months from `start` to `end`."""
    months = (end.year - start.year) * 12 + end.month - start.month
    return months - 1 if end.day < start.day else months


# --- operators ----------------------------------------------------------------------------------------


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _contains(actual: Any, expected: Any) -> bool:
    if isinstance(actual, str):
        return str(expected) in actual
    return expected in actual if isinstance(actual, list) else False


def _domain_suffix_in(actual: Any, expected: Any) -> bool:
    name = _idna_to_unicode(str(actual))
    return any(name == tld or name.endswith("." + _idna_to_unicode(str(tld))) for tld in _as_list(expected))


def _idna_to_unicode(name: str) -> str:
    name = name.strip().rstrip(".").lower()
    if "xn--" not in name:
        return name
    try:
        return name.encode("ascii").decode("idna")  # the stdlib codec decodes punycode labels
    except UnicodeError:
        return name


# Negated wording in Chinese free text (business scopes): 不含/不包括/不涉及/不得/不从事 … up to the end of
# the clause, 除 … 外, and … 除外. A phrase inside such a clause is excluded, not granted.
_CLAUSE_END = "；;。，,、）)】"
_NEGATED = re.compile(
    rf"(?:不包含|不含|不包括|不涉及|不得|不从事|未经许可)[^{_CLAUSE_END}]*"
    rf"|除[^{_CLAUSE_END}]*?以?外"
    rf"|[^{_CLAUSE_END}（(【]*除外"
)
_HALF_WIDTH = str.maketrans({"(": "（", ")": "）", ";": "；", ",": "，"})


def _affirmed(text: str) -> str:
    """`text` with negated clauses removed and brackets/separators made full-width."""
    text = str(text).translate(_HALF_WIDTH)
    return _NEGATED.sub("", text)


def _mentions_any(actual: Any, expected: Any) -> bool:
    text = _affirmed(actual)
    return any(_affirmed(phrase) in text for phrase in _as_list(expected))


# An operator may answer None where the data cannot decide (the leaf is then unknown).
Operator = Callable[[Any, Any], bool | None]

GENERIC_OPERATORS: dict[str, Operator] = {
    "eq": lambda a, e: bool(a == e),
    "ne": lambda a, e: bool(a != e),
    "gt": lambda a, e: bool(a > e),
    "ge": lambda a, e: bool(a >= e),
    "lt": lambda a, e: bool(a < e),
    "le": lambda a, e: bool(a <= e),
    "in": lambda a, e: a in _as_list(e),
    "not_in": lambda a, e: a not in _as_list(e),
    "contains": _contains,
    "contains_any": lambda a, e: any(_contains(a, x) for x in _as_list(e)),
    "contains_all": lambda a, e: all(_contains(a, x) for x in _as_list(e)),
    "contains_none": lambda a, e: not any(_contains(a, x) for x in _as_list(e)),
    "matches": lambda a, e: re.search(str(e), str(a)) is not None,
    "not_matches": lambda a, e: re.search(str(e), str(a)) is None,
    "domain_suffix_in": _domain_suffix_in,
    "mentions_any": _mentions_any,
    "subset_of": lambda a, e: all(x in _as_list(e) for x in _as_list(a)),
}
UNARY = {"exists"}
# The operators whose expected value alone does not say what is required, and what `not` makes of them (an
# operator missing here is shown as "expected X": eq, in, contains, … read right as they are)
RELATIONS = {op: op for op in ("gt", "ge", "lt", "le", "ne", "not_in")}
_INVERSE = {"gt": "le", "ge": "lt", "lt": "ge", "le": "gt", "ne": "eq", "not_in": "in"}


@cache
def operators() -> dict[str, Operator]:
    """The operator table, built here and only here: the generic operators above and the domain-specific
    ones, each module exporting its table (no registration by importing a module)."""
    from icpcheck.engine import identifiers, registrars

    return {**GENERIC_OPERATORS, **identifiers.OPERATORS, **registrars.OPERATORS}


def register_operator(name: str, func: Operator) -> None:
    """Add an operator for rule files to use by name (code using the engine as a library); call it before
    loading the rules that use it."""
    operators()[name] = func


# --- nodes --------------------------------------------------------------------------------------------


class Leaf(Node):
    def __init__(
        self, path: str, op: str, ref: Ref, *, is_param: bool, null_passes: bool, if_missing: bool | None
    ) -> None:
        self.path = path
        self.compiled = compile_path(path.lstrip("/"))
        self.op = op
        self.func = operators().get(op)  # None for the unary `exists`
        self.relation = RELATIONS.get(op)
        self.ref = ref
        self.is_param = is_param
        self.indirect = not is_param and path.startswith("$")  # the field is a parameter: $capital.field
        self.absolute = path.startswith("/")  # a profile field from inside each/some/count
        # the usual: a field of the item itself, named as it is (not "." for the item)
        self.own = not (is_param or self.indirect or self.absolute) and path not in {".", ""}
        self.null_passes = null_passes
        self.if_missing = if_missing
        self.literal = ref.field is None and ref.param is None and not ref.as_of  # the expected value

    def _actual(self, ctx: Ctx, item: Any, prefix: str) -> tuple[Any, str | None]:
        if self.is_param:
            return ctx.params[self.path], None
        if self.indirect:
            path = ctx.params[self.path[1:]]
            return ctx.value(compile_path(path)), path
        if self.absolute:
            return ctx.value(self.compiled), self.path[1:]
        if item is ctx.root:
            return ctx.value(self.compiled), join(prefix, self.path)
        return resolve(item, self.compiled), join(prefix, self.path)

    def evaluate(self, ctx: Ctx, item: Any, prefix: str) -> Outcome:
        field: str | None
        if self.own and item is ctx.root and not prefix:  # most leaves: a field of the profile
            actual, field = ctx.value(self.compiled), self.path
        else:
            actual, field = self._actual(ctx, item, prefix)
        if actual is ABSENT:
            return Outcome(self.if_missing, field)
        if self.op == "exists":
            present = actual not in (None, "", [])
            return Outcome(present, field, "present", actual if present else None)
        if actual is None and self.null_passes:
            return Outcome(True, field, None, None)
        if actual is None:
            return Outcome(None, field)
        expected = self.ref.literal if self.literal else self.ref.get(ctx)
        if expected is ABSENT or expected is None:
            return Outcome(None, self.ref.field, None, actual)
        assert self.func is not None, self.op
        try:
            ok = self.func(actual, expected)
        except TypeError:  # e.g. a number compared with a date: the data does not fit the rule
            return Outcome(False, field, expected, actual, self.relation)
        return Outcome(ok, field, expected, actual, self.relation)

    def shift(self, ctx: Ctx, item: Any, prefix: str) -> dt.date | None:
        """A date compared with as_of ± months: the day the comparison turns."""
        if not self.ref.as_of or self.op not in _MONOTONE:
            return None
        actual = self._actual(ctx, item, prefix)[0]
        if type(actual) is not dt.date:  # a datetime or text never compares with as_of
            return None
        months, op = self.ref.months(ctx), self.func
        assert op is not None  # a comparison, not `exists`
        turn = add_months(actual, -months)  # within a few days of the turn (month ends are clamped)
        if turn >= dt.date.max - dt.timedelta(days=4):
            return None

        def holds(day: dt.date) -> bool | None:
            return op(actual, add_months(day, months))

        near = turn - _MARGIN if turn > dt.date.min + _MARGIN else None
        return first_change(holds, ctx.as_of, turn + _MARGIN, near)

    def timed(self, names: Collection[str]) -> bool:
        return self.ref.as_of and self.op in _MONOTONE

    def params(self) -> set[str]:
        names = self.ref.param_names()
        if self.is_param:
            names.add(self.path)
        elif self.path.startswith("$"):
            names.add(self.path[1:])
        return names


_MONOTONE = {"le", "lt", "ge", "gt"}  # with as_of on the right, these turn at most once as time passes
_MARGIN = dt.timedelta(days=4)  # past the turn whatever month ends clamp


def _shifts(parts: list[Node], ctx: Ctx, item: Any, prefix: str, changed: bool) -> dt.date | None:
    """When a combination of `parts` changes. `changed` is the value that wins (False for all, True for any):
    while a part has it, the combination changes only once every such part has lost it and no other part has
    gained it before; otherwise at the first part that gains it."""
    names = ctx.timed_names()
    timed = [p.timed(names) for p in parts]
    if not any(timed):
        return None
    # An unknown part, or one that never turns (untimed) holding the winning value, leaves no day to find:
    # the untimed parts go first, so that such a part spares evaluating the others.
    values: list[bool | None] = [None] * len(parts)
    for i in sorted(range(len(parts)), key=timed.__getitem__):
        value = values[i] = parts[i].evaluate(ctx, item, prefix).value
        if value is None or (value is changed and not timed[i]):
            return None
    winners = [p for p, v in zip(parts, values, strict=True) if v is changed]
    days = [p.shift(ctx, item, prefix) for p in winners]
    if None in days:
        return None
    others = [
        p.shift(ctx, item, prefix)
        for p, v, t in zip(parts, values, timed, strict=True)
        if v is not changed and t  # an untimed part never turns
    ]
    first_other = min((d for d in others if d is not None), default=None)
    if not winners:
        return first_other
    day = max(d for d in days if d is not None)
    return None if first_other is not None and first_other <= day else day


def _all(outcomes: Iterable[Outcome]) -> Outcome:
    """The outcome of `all` over its parts' outcomes, drawn only until one is False."""
    unknown: Outcome | None = None
    last = Outcome(True)
    for out in outcomes:
        if out.value is False:
            return out
        if out.value is None and unknown is None:
            unknown = out
        last = out
    return unknown or last


def _any(outcomes: Iterable[Outcome]) -> Outcome:
    """The outcome of `any` over its parts' outcomes, drawn only until one is True."""
    unknown: Outcome | None = None
    failed: Outcome | None = None
    for out in outcomes:
        if out.value is True:
            return out
        if out.value is None:
            unknown = unknown or out
        elif out.field is not None or failed is None:
            failed = out  # the last failing field: guards come first, the real requirement last
    return unknown or failed or Outcome(False)


class All(Node):
    join = staticmethod(_all)  # how the parts' outcomes combine (Any_: _any)

    def __init__(self, parts: list[Node]) -> None:
        self.parts = parts

    def shift(self, ctx: Ctx, item: Any, prefix: str) -> dt.date | None:
        return _shifts(self.parts, ctx, item, prefix, False)

    def timed(self, names: Collection[str]) -> bool:
        return any(p.timed(names) for p in self.parts)

    def evaluate(self, ctx: Ctx, item: Any, prefix: str) -> Outcome:
        return self.join(part.evaluate(ctx, item, prefix) for part in self.parts)

    def params(self) -> set[str]:
        return set().union(*(p.params() for p in self.parts))

    def uses(self) -> set[str]:
        return set().union(*(p.uses() for p in self.parts))


class Any_(All):
    join = staticmethod(_any)

    def shift(self, ctx: Ctx, item: Any, prefix: str) -> dt.date | None:
        return _shifts(self.parts, ctx, item, prefix, True)


class _Wrapper(Node):
    """A node that changes its one part's value; the part's dates, timing, parameters and fields stay."""

    def __init__(self, part: Node) -> None:
        self.part = part

    def shift(self, ctx: Ctx, item: Any, prefix: str) -> dt.date | None:
        return self.part.shift(ctx, item, prefix)

    def timed(self, names: Collection[str]) -> bool:
        return self.part.timed(names)

    def params(self) -> set[str]:
        return self.part.params()

    def uses(self) -> set[str]:
        return self.part.uses()


class Not(_Wrapper):
    def evaluate(self, ctx: Ctx, item: Any, prefix: str) -> Outcome:
        out = self.part.evaluate(ctx, item, prefix)
        relation = _INVERSE.get(out.relation or "")
        return Outcome(
            None if out.value is None else not out.value, out.field, out.expected, out.actual, relation
        )


class UnknownIf(_Wrapper):
    """Unknown (naming the field) where `part` holds, false where it does not: a situation the data cannot
    decide, e.g. an activity the rules do not recognise."""

    def evaluate(self, ctx: Ctx, item: Any, prefix: str) -> Outcome:
        out = self.part.evaluate(ctx, item, prefix)
        return Outcome(
            False if out.value is False else None, out.field, out.expected, out.actual, out.relation
        )


class Use(Node):
    def __init__(self, name: str) -> None:
        self.name = name

    def evaluate(self, ctx: Ctx, item: Any, prefix: str) -> Outcome:
        return ctx.named[self.name].evaluate(ctx, item, prefix)

    def shift(self, ctx: Ctx, item: Any, prefix: str) -> dt.date | None:
        return ctx.named[self.name].shift(ctx, item, prefix)

    def timed(self, names: Collection[str]) -> bool:
        return self.name in names

    def uses(self) -> set[str]:
        return {self.name}


class _OverList(Node):
    """Base of conditions over the items of a list field."""

    def __init__(self, path: str, check: Node | None) -> None:
        self.path = path
        self.compiled = compile_path(path)
        self.check = check

    def items(self, ctx: Ctx, item: Any, prefix: str) -> tuple[list[Any] | None, str]:
        value = ctx.value(self.compiled) if item is ctx.root else resolve(item, self.compiled)
        return (value if isinstance(value, list) else None), join(prefix, self.path)

    def params(self) -> set[str]:
        return self.check.params() if self.check else set()

    def uses(self) -> set[str]:
        return self.check.uses() if self.check else set()

    def timed(self, names: Collection[str]) -> bool:
        return self.check.timed(names) if self.check else False


class Each(_OverList):
    """The check holds for every item (Some: for at least one)."""

    group: type[All] = All  # how the items' outcomes and dates combine

    def __init__(self, path: str, check: Node, if_empty: bool | None, if_missing: bool | None = None) -> None:
        super().__init__(path, check)
        self.if_empty = if_empty
        self.if_missing = if_missing

    def empty(self, where: str) -> Outcome:
        return Outcome(self.if_empty, where, None, [])

    def evaluate(self, ctx: Ctx, item: Any, prefix: str) -> Outcome:
        items, where = self.items(ctx, item, prefix)
        if items is None:
            return Outcome(self.if_missing, where)
        if not items:
            return self.empty(where)
        check = self.check
        assert check is not None
        return self.group.join(check.evaluate(ctx, entry, f"{where}[{i}]") for i, entry in enumerate(items))

    def shift(self, ctx: Ctx, item: Any, prefix: str) -> dt.date | None:
        items, where = self.items(ctx, item, prefix)
        if not items or self.check is None:
            return None
        return self.group([_Item(self.check, i) for i in range(len(items))]).shift(ctx, items, where)


class Some(Each):
    group = Any_

    def __init__(self, path: str, check: Node) -> None:
        super().__init__(path, check, if_empty=False)

    def empty(self, where: str) -> Outcome:
        return Outcome(False, where, "at least one", [])


class _Item(Node):
    """Evaluates `check` on item `index` of the list passed as `item`, with paths prefixed `[index]`."""

    def __init__(self, check: Node, index: int) -> None:
        self.check = check
        self.index = index

    def evaluate(self, ctx: Ctx, item: Any, prefix: str) -> Outcome:
        return self.check.evaluate(ctx, item[self.index], f"{prefix}[{self.index}]")

    def shift(self, ctx: Ctx, item: Any, prefix: str) -> dt.date | None:
        return self.check.shift(ctx, item[self.index], f"{prefix}[{self.index}]")

    def timed(self, names: Collection[str]) -> bool:
        return self.check.timed(names)


# --- identity: "the same person" by the first key both entries give (ID number, else name) ----------


def _identity(obj: Any, keys: tuple[str, ...]) -> tuple[str | None, ...]:
    values = []
    for key in keys:
        value = resolve(obj, (key,))
        text = "" if value is ABSENT or value is None else str(value).strip().upper()
        values.append(text or None)
    return tuple(values)


def same_entity(a: tuple[str | None, ...], b: tuple[str | None, ...]) -> bool | None:
    """Decided by the first key both give (equal → same); None when they share no key."""
    for x, y in zip(a, b, strict=True):
        if x is not None and y is not None:
            return x == y
    return None


def identity_groups(idents: list[tuple[str | None, ...]]) -> list[int | None]:
    """A group number per entry (None: the entry gives no key at all). Entries are grouped when the first key
    both give is equal, transitively."""
    parent = list(range(len(idents)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def union(i: int, j: int) -> None:
        parent[find(j)] = find(i)

    for level in range(len(idents[0]) if idents else 0):
        buckets: dict[str, list[int]] = {}
        for i, ident in enumerate(idents):
            value = ident[level]
            if value is not None:
                buckets.setdefault(value, []).append(i)
        for members in buckets.values():
            if any(all(v is None for v in idents[i][:level]) for i in members):
                # an entry without any earlier key is the same as every entry with this value
                for j in members:
                    union(members[0], j)
                continue
            for n, i in enumerate(members):  # only with 3+ keys: pairs sharing no earlier key
                for j in members[n + 1 :]:
                    if same_entity(idents[i][:level], idents[j][:level]) is None:
                        union(i, j)
    return [find(i) if any(v is not None for v in ident) else None for i, ident in enumerate(idents)]


class Count(_OverList):
    def __init__(
        self, path: str, where: Node | None, op: str, ref: Ref, distinct: tuple[str, ...] = ()
    ) -> None:
        super().__init__(path, where)
        self.op = op
        self.func = operators()[op]
        self.ref = ref
        self.distinct = distinct

    def evaluate(self, ctx: Ctx, item: Any, prefix: str) -> Outcome:
        items, where = self.items(ctx, item, prefix)
        if items is None:
            return Outcome(None, where)
        values = [
            self.check.evaluate(ctx, entry, f"{where}[{i}]").value if self.check else True
            for i, entry in enumerate(items)
        ]
        if self.distinct:  # count people (groups of entries), not entries
            groups = identity_groups([_identity(e, self.distinct) for e in items])
            counted = {g for g, v in zip(groups, values, strict=True) if v is True and g is not None}
            matched = len(counted)
            # people who might still count: undecided `where`, or entries with no name/ID to tell who they are
            undecided = {g for g, v in zip(groups, values, strict=True) if v is None and g is not None}
            anonymous = sum(1 for g, v in zip(groups, values, strict=True) if v is not False and g is None)
            unknown = len(undecided - counted) + anonymous
        else:
            matched = sum(v is True for v in values)
            unknown = sum(v is None for v in values)
        expected = self.ref.get(ctx)
        ok = self.func(matched, expected)
        if not ok and unknown and self.func(matched + unknown, expected):
            return Outcome(None, where, expected, matched)  # the unknown items could decide it
        return Outcome(ok, where, expected, matched)

    def params(self) -> set[str]:
        return super().params() | self.ref.param_names()


class Unique(_OverList):
    """The entries matching `where` are different people from one another (by ID number, else name)."""

    def __init__(self, path: str, where: Node | None, keys: tuple[str, ...]) -> None:
        super().__init__(path, where)
        self.keys = keys

    def evaluate(self, ctx: Ctx, item: Any, prefix: str) -> Outcome:
        items, where = self.items(ctx, item, prefix)
        if items is None:
            return Outcome(None, where)
        groups = identity_groups([_identity(e, self.keys) for e in items])
        values = [
            self.check.evaluate(ctx, entry, f"{where}[{i}]").value if self.check else True
            for i, entry in enumerate(items)
        ]
        members: dict[int | None, list[int]] = {}
        for i, (g, value) in enumerate(zip(groups, values, strict=True)):
            if value is not False:
                members.setdefault(g, []).append(i)
        unknown: Outcome | None = None
        for i, value in enumerate(values):
            if value is False:
                continue
            at = f"{where}[{i}]"
            others = [j for j in members[groups[i]] if j != i][:10]
            if groups[i] is None:
                unknown = unknown or Outcome(None, at)
            elif value is True and any(values[j] is True for j in others):
                dupes = [f"{where}[{j}]" for j in others if values[j] is True]
                return Outcome(False, at, "one entry per person", dupes)
            elif others:
                unknown = unknown or Outcome(None, at)
        return unknown or Outcome(True, where)


class _IdentityIndex:
    """The identities of the people at one path, grouped by which keys they give: a lookup costs a few set
    probes, however many people there are (a hostile profile may list thousands)."""

    def __init__(self, targets: list[Any], keys: tuple[str, ...]) -> None:
        self.by_pattern: dict[tuple[bool, ...], list[set[str]]] = {}
        for other in targets:
            ident = _identity(other, keys)
            pattern = tuple(v is not None for v in ident)
            sets = self.by_pattern.setdefault(pattern, [set() for _ in keys])
            for i, value in enumerate(ident):
                if value is not None:
                    sets[i].add(value)

    def same(self, mine: tuple[str | None, ...]) -> bool | None:
        """True if someone here is `mine`; None if someone cannot be compared (no key in common)."""
        undecided = False
        for pattern, sets in self.by_pattern.items():
            common = next((i for i, v in enumerate(mine) if v is not None and pattern[i]), None)
            if common is None:
                undecided = True
            elif mine[common] in sets[common]:
                return True
        return None if undecided else False


class SameAs(Node):
    """The current item is the same person as the one at an absolute path (or an item of the list there),
    by the first identity key both give."""

    def __init__(self, paths: list[str], keys: tuple[str, ...]) -> None:
        self.paths = [p.lstrip("/") for p in paths]
        self.compiled = [compile_path(p) for p in self.paths]
        self.keys = keys
        # (evaluation context, index per path): built once per evaluation, not once per item
        self._cache: tuple[Ctx, list[_IdentityIndex | None]] | None = None

    def _indexes(self, ctx: Ctx) -> list[_IdentityIndex | None]:
        cache, root = self._cache, ctx.root
        if cache is not None and cache[0] is ctx:
            return cache[1]
        indexes: list[_IdentityIndex | None] = []
        for compiled in self.compiled:
            target = resolve(root, compiled)
            missing = target is ABSENT or target is None
            targets = target if isinstance(target, list) else [target]
            indexes.append(None if missing else _IdentityIndex(targets, self.keys))
        self._cache = (ctx, indexes)
        return indexes

    def evaluate(self, ctx: Ctx, item: Any, prefix: str) -> Outcome:
        mine = _identity(item, self.keys)
        if all(v is None for v in mine):
            return Outcome(None, prefix)
        unknown: Outcome | None = None
        for path, index in zip(self.paths, self._indexes(ctx), strict=True):
            if index is None:
                unknown = unknown or Outcome(None, path)
                continue
            same = index.same(mine)
            if same:
                return Outcome(True, prefix, None, path)
            if same is None:
                unknown = unknown or Outcome(None, prefix)
        return unknown or Outcome(False, prefix)


class ConsecutiveMonths(_OverList):
    """The `months` full calendar months before as_of each have an item whose `number_field` is at least
    `min`; items name their month (YYYY-MM) in `month_field`. The field names come from the rule.

    Looking ahead (Ctx.today set), a month from today's on that is not recorded counts like the last recorded
    month, if that is this month or the one before: the staff insured now are taken to stay insured."""

    def __init__(
        self,
        path: str,
        fields: tuple[str, str],
        minimum: Ref,
        months: Ref,
        if_month_missing: bool | None = None,
    ) -> None:
        super().__init__(path, None)
        self.month_field, self.number_field = fields
        self.minimum = minimum
        self.months = months
        self.if_month_missing = if_month_missing

    def evaluate(self, ctx: Ctx, item: Any, prefix: str) -> Outcome:
        items, where = self.items(ctx, item, prefix)
        minimum, months = int(self.minimum.get(ctx)), int(self.months.get(ctx))
        expected = {f"min_{self.number_field}": minimum, "months": months}
        if items is None:
            return Outcome(None, where, expected)
        by_month = self._by_month(ctx, items)
        wanted = [_month(add_months(ctx.as_of.replace(day=1), -n)) for n in range(months, 0, -1)]
        actual = {m: by_month.get(m) for m in wanted}
        if any(isinstance(v, int) and v < minimum for v in actual.values()):
            return Outcome(False, where, expected, actual)
        if any(not isinstance(v, int) for v in actual.values()):
            return Outcome(self.if_month_missing, where, expected, actual)
        return Outcome(True, where, expected, actual)

    def timed(self, names: Collection[str]) -> bool:
        return True

    def _by_month(self, ctx: Ctx, items: list[Any]) -> dict[str, Any]:
        by_month = {str(resolve(e, (self.month_field,))): resolve(e, (self.number_field,)) for e in items}
        if ctx.today is None:
            return by_month
        recorded = [m for m, v in by_month.items() if isinstance(v, int) and _MONTH.fullmatch(m)]
        last = max(recorded, default="")
        if last < _month(add_months(ctx.today.replace(day=1), -1)):
            return by_month  # not recorded lately: nothing to carry on
        ahead = add_months(ctx.as_of.replace(day=1), -1)
        month = add_months(dt.date(int(last[:4]), int(last[5:]), 1), 1)
        while month <= ahead:
            by_month.setdefault(_month(month), by_month[last])
            month = add_months(month, 1)
        return by_month

    def shift(self, ctx: Ctx, item: Any, prefix: str) -> dt.date | None:
        """A failing window passes once the run of months insured up to now is `months` long (the first day
        after it), if the run reaches this month or the one before."""
        items = self.items(ctx, item, prefix)[0]
        if items is None or self.evaluate(ctx, item, prefix).value is not False:
            return None
        minimum, months = int(self.minimum.get(ctx)), int(self.months.get(ctx))
        by_month = self._by_month(ctx, items)
        month = ctx.as_of.replace(day=1)
        if by_month.get(_month(month)) is None:
            month = add_months(month, -1)  # this month not recorded yet: the run ends last month
        first = None
        while _insured(by_month.get(_month(month)), minimum) and month > dt.date.min:
            first, month = month, add_months(month, -1)
        if first is None:
            return None
        day = add_months(first, months)
        return day if day > ctx.as_of else None

    def params(self) -> set[str]:
        return self.minimum.param_names() | self.months.param_names()


_MONTH = re.compile(r"[0-9]{4}-(?:0[1-9]|1[0-2])")


def _month(day: dt.date) -> str:
    return f"{day.year:04d}-{day.month:02d}"  # not strftime: it writes year 1 as "1"


def _insured(value: Any, minimum: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= minimum


# --- compiler -----------------------------------------------------------------------------------------

_LEAF_KEYS = {"field", "param", "op", "value", "value_field", "offset_months", "null_passes", "if_missing"}
_IF_EMPTY = {"pass": True, "fail": False, "unknown": None}


def compile_condition(raw: Any, where: str = "check") -> Node:
    """Turn a YAML condition into a node; ConditionError names the offending part."""
    if not isinstance(raw, dict) or not raw:
        raise ConditionError("a condition is a mapping (field/op/value, all, any, not, each, …)", where)
    keys = set(raw)
    if "all" in keys or "any" in keys:
        kind = "all" if "all" in keys else "any"
        _only(raw, {kind}, where)
        parts = raw[kind]
        if not isinstance(parts, list) or not parts:
            raise ConditionError(f"'{kind}' takes a non-empty list of conditions", where)
        nodes = [compile_condition(p, f"{where}.{kind}[{i}]") for i, p in enumerate(parts)]
        return All(nodes) if kind == "all" else Any_(nodes)
    if "not" in keys:
        _only(raw, {"not"}, where)
        return Not(compile_condition(raw["not"], f"{where}.not"))
    if "unknown_if" in keys:
        _only(raw, {"unknown_if"}, where)
        return UnknownIf(compile_condition(raw["unknown_if"], f"{where}.unknown_if"))
    if "use" in keys:
        _only(raw, {"use"}, where)
        return Use(_name(raw["use"], f"{where}.use"))
    if "each" in keys or "some" in keys:
        kind = "each" if "each" in keys else "some"
        _only(raw, {kind, "check", "if_empty", "if_missing"}, where)
        if "check" not in raw:
            raise ConditionError(f"'{kind}' needs a 'check' condition for the items", where)
        check = compile_condition(raw["check"], f"{where}.check")
        path = _name(raw[kind], f"{where}.{kind}")
        if kind == "some":
            return Some(path, check)
        flags = []
        for flag in ("if_empty", "if_missing"):
            value = raw.get(flag, "unknown")
            if value not in _IF_EMPTY:
                raise ConditionError(f"'{flag}' is pass, fail or unknown", f"{where}.{flag}")
            flags.append(_IF_EMPTY[value])
        return Each(path, check, flags[0], flags[1])
    if "count" in keys:
        _only(raw, {"count", "where", "op", "value", "distinct"}, where)
        cond = compile_condition(raw["where"], f"{where}.where") if "where" in raw else None
        distinct = _keys(raw["distinct"], f"{where}.distinct") if "distinct" in raw else ()
        return Count(
            _name(raw["count"], f"{where}.count"),
            cond,
            _op(raw, where, unary=False),
            _value(raw, where),
            distinct,
        )
    if "unique" in keys:
        _only(raw, {"unique", "where", "by"}, where)
        cond = compile_condition(raw["where"], f"{where}.where") if "where" in raw else None
        return Unique(_name(raw["unique"], f"{where}.unique"), cond, _keys(raw.get("by"), f"{where}.by"))
    if "same_as" in keys:
        _only(raw, {"same_as", "by"}, where)
        targets = raw["same_as"] if isinstance(raw["same_as"], list) else [raw["same_as"]]
        if not targets:
            raise ConditionError("'same_as' takes a path or a list of paths", f"{where}.same_as")
        paths = [_name(t, f"{where}.same_as[{i}]") for i, t in enumerate(targets)]
        return SameAs(paths, _keys(raw.get("by"), f"{where}.by"))
    if "consecutive_months" in keys:
        _only(
            raw,
            {"consecutive_months", "month_field", "number_field", "min", "months", "if_month_missing"},
            where,
        )
        for key in ("month_field", "number_field", "min", "months"):
            if key not in raw:
                raise ConditionError(f"'consecutive_months' needs '{key}'", where)
        missing = raw.get("if_month_missing", "unknown")
        if missing not in _IF_EMPTY:
            raise ConditionError("'if_month_missing' is pass, fail or unknown", f"{where}.if_month_missing")
        return ConsecutiveMonths(
            _name(raw["consecutive_months"], f"{where}.consecutive_months"),
            (
                _name(raw["month_field"], f"{where}.month_field"),
                _name(raw["number_field"], f"{where}.number_field"),
            ),
            _ref(raw["min"]),
            _ref(raw["months"]),
            _IF_EMPTY[missing],
        )
    if "field" in keys or "param" in keys:
        _only(raw, _LEAF_KEYS, where)
        if "field" in keys and "param" in keys:
            raise ConditionError("a leaf tests either a 'field' or a 'param', not both", where)
        op = _op(raw, where, unary=True)
        ref = Ref() if op in UNARY else _value(raw, where)
        null_passes = raw.get("null_passes", False)
        if not isinstance(null_passes, bool):
            raise ConditionError("'null_passes' is true or false", f"{where}.null_passes")
        if_missing = raw.get("if_missing", "unknown")
        if if_missing not in _IF_EMPTY:
            raise ConditionError("'if_missing' is pass, fail or unknown", f"{where}.if_missing")
        is_param = "param" in keys
        return Leaf(
            _name(raw["param" if is_param else "field"], where),
            op,
            ref,
            is_param=is_param,
            null_passes=null_passes,
            if_missing=_IF_EMPTY[if_missing],
        )
    raise ConditionError(f"unknown condition keys {sorted(keys)}", where)


def _only(raw: dict[str, Any], allowed: set[str], where: str) -> None:
    extra = set(raw) - allowed
    if extra:
        raise ConditionError(f"unexpected key(s) {sorted(extra)} (allowed here: {sorted(allowed)})", where)


def _name(value: Any, where: str) -> str:
    if not isinstance(value, str) or not value:
        raise ConditionError("expected a field path or name", where)
    return value


IDENTITY_KEYS = ("id_number", "name")


def _keys(value: Any, where: str) -> tuple[str, ...]:
    """Identity keys, most reliable first (default: ID number, else name)."""
    if value is None:
        return IDENTITY_KEYS
    if not isinstance(value, list) or not value or not all(isinstance(k, str) and k for k in value):
        raise ConditionError("a non-empty list of field names, most reliable first", where)
    return tuple(value)


def _op(raw: dict[str, Any], where: str, *, unary: bool) -> str:
    op = raw.get("op")
    known = set(operators()) | (UNARY if unary else set())
    if op not in known:
        raise ConditionError(f"unknown operator {op!r} (known: {', '.join(sorted(known))})", f"{where}.op")
    return str(op)


def _value(raw: dict[str, Any], where: str) -> Ref:
    if "value_field" in raw:
        if "value" in raw:
            raise ConditionError("give 'value' or 'value_field', not both", where)
        return Ref(field=_name(raw["value_field"], f"{where}.value_field"))
    if "value" not in raw:
        raise ConditionError("missing 'value' (or 'value_field')", where)
    ref = _ref(raw["value"])
    if "offset_months" in raw:
        if not ref.as_of:
            raise ConditionError("'offset_months' goes with value: as_of", where)
        offset = raw["offset_months"]
        if not (isinstance(offset, int) or (isinstance(offset, str) and offset.lstrip("-").startswith("$"))):
            raise ConditionError(
                "'offset_months' is a whole number, $param or -$param", f"{where}.offset_months"
            )
        ref.offset = offset
    return ref
