"""Reading text: students' notation translated to ASCII, cheap limits checked, and ``ast.parse``
(no sympy yet, nothing evaluated)."""

from __future__ import annotations

import ast
import re
import warnings

from ...errors import InputError
from .limits import (
    _ASCII_FORMS,
    _CLOSE,
    _OPEN,
    _REPLACEMENTS,
    _SQRT,
    _SUPERSCRIPT_RUN,
    _SUPERSCRIPTS,
    MAX_DEPTH,
    MAX_NODES,
    MAX_TEXT_LENGTH,
)
from .messages import _syntax_message


def _check_length(text: str) -> None:
    """The first check on any text, before anything else reads or keeps it."""
    if len(text) > MAX_TEXT_LENGTH:
        raise InputError(f"The input is too long ({len(text)} characters); the limit is "
                         f"{MAX_TEXT_LENGTH}.")


def _read(typed: str, *, function: bool = False) -> tuple[str, ast.Expression]:
    """Normalise, check the cheap limits, and parse to a syntax tree (no sympy yet)."""
    _check_length(typed)
    # Refused before anything could echo them: a comment hides text from the formula (and a
    # message quoting the formula would show it), a backslash continues a line.
    if "#" in typed:
        raise InputError("A # starts a comment, which a formula cannot have; remove the # and "
                         "everything after it.")
    if "\\" in typed:
        raise InputError("A backslash \\ is not allowed; type the formula on one line, with "
                         "/ for division.")
    if function and ("\n" in typed or "\r" in typed):
        raise InputError("A function is one line of text; remove the line breaks.")
    source = _translate(typed)
    for ch in source:
        if not (" " <= ch <= "~" or ch in "\t\n\r"):
            shown = repr(ch) if ch.isprintable() else f"U+{ord(ch):04X}"
            ascii_form = _ASCII_FORMS.get(ch)
            if ascii_form is not None:
                raise InputError(f"The character {shown} is not allowed; type {ascii_form} "
                                 "instead.")
            raise InputError(f"The character {shown} is not allowed; type plain ASCII such as x, "
                             "y, +, *, ^.")
    source = source.replace("^", "**")
    depth = deepest = 0
    for ch in source:
        if ch in _OPEN:
            depth += 1
            deepest = max(deepest, depth)
        elif ch in _CLOSE:
            depth -= 1
    if deepest > MAX_DEPTH:
        raise InputError(f"The expression is nested too deeply (more than {MAX_DEPTH} levels of "
                         "brackets).")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # e.g. "'int' object is not callable" for 1(2)
            tree = ast.parse(source, mode="eval")
    except SyntaxError as err:
        raise InputError(_syntax_message(err, source)) from None
    except (ValueError, RecursionError, MemoryError):
        raise InputError("The formula cannot be read; check the brackets and operators.") from None
    _check_shape(tree)
    return source, tree


def _translate(typed: str) -> str:
    """Students' notation as the parser's ASCII, one rule each: − · × as - * *, π as pi,
    superscripts as powers (x² is x**2, x⁻¹ is x**(-1)), |…| as abs(…) and √ as sqrt of the
    name, number, call or bracket right after it (√x, √2, √abs(x), √(x + 1)).

    >>> _translate("|x − 1|·√(x² + 1) + √π")
    'abs(x - 1)*sqrt(x**2 + 1) + sqrt(pi)'
    """
    text = "".join(_REPLACEMENTS.get(ch, ch) for ch in typed)
    text = re.sub(_SUPERSCRIPT_RUN,
                  lambda m: _power_text("".join(_SUPERSCRIPTS[c] for c in m[0])), text)
    if "|" in text:
        text = _absolute_bars(text)
    while _SQRT in text:
        text = _square_root(text, text.rindex(_SQRT))  # innermost (rightmost) first
    return text


def _power_text(exponent: str) -> str:
    return f"**({exponent})" if exponent.startswith("-") else f"**{exponent}"


def _absolute_bars(text: str) -> str:
    """|…| as abs(…). A bar that follows a value closes the innermost open bar of its bracket
    level, or, with none open there, is the "or" of two conditions, as in (x < 0) | (x > 1);
    any other bar (at the start, after an operator, a bracket or a comma) opens one."""
    out: list[str] = []
    open_bars: list[int] = []  # the bracket level at which each open bar stands
    level = 0
    for ch in text:
        if ch in _OPEN:
            level += 1
        elif ch in _CLOSE:
            level -= 1
        if ch != "|":
            out.append(ch)
            continue
        before = "".join(out).rstrip()[-1:]
        after_value = bool(before) and (before.isalnum() or before in "_.)]}")
        if after_value and open_bars and open_bars[-1] == level:
            open_bars.pop()
            out.append(")")
        elif after_value:
            out.append("|")
        else:
            open_bars.append(level)
            out.append("abs(")
    if open_bars:
        raise InputError("An absolute-value bar | is not closed: write |x - 1|, or abs(x - 1).")
    return "".join(out)


_SQRT_OPERAND = r"\s*([A-Za-z_][A-Za-z_0-9]*|[0-9]*\.?[0-9]+(?:[eE][-+]?[0-9]+)?)"


def _square_root(text: str, at: int) -> str:
    """The √ at index ``at`` as sqrt(...) of what follows it."""
    rest = text[at + 1:]
    if rest.lstrip().startswith("("):
        return text[:at] + "sqrt" + rest
    match = re.match(_SQRT_OPERAND, rest)
    if match is None:
        raise InputError("√ must be followed by a number, a name or a bracket, as in √x, √2 or "
                         "√(x + 1).")
    end = match.end()
    if match[1][0].isalpha() and rest[end:].lstrip().startswith("("):  # a call such as √abs(x)
        end = rest.index("(", end)
        level = 0
        for i in range(end, len(rest)):
            level += (rest[i] in _OPEN) - (rest[i] in _CLOSE)
            if level == 0:
                end = i + 1
                break
        else:
            raise InputError("The brackets do not match after √: every ( needs a matching ).")
    return text[:at] + "sqrt(" + rest[:end].strip() + ")" + rest[end:]


_FAMILIES: dict[type, str] = {
    ast.Add: "sum", ast.Sub: "sum", ast.Mult: "product", ast.Div: "product",
    ast.BitAnd: "and", ast.BitOr: "or",
}
_SKIP = (ast.expr_context, ast.operator, ast.unaryop, ast.cmpop, ast.boolop)


def _family(node: ast.AST) -> str | None:
    return _FAMILIES.get(type(node.op)) if isinstance(node, ast.BinOp) else None


def _check_shape(tree: ast.Expression) -> None:
    """Count nodes and nesting without recursion; a chain a + b + c counts as one level."""
    count = 0
    stack: list[tuple[ast.AST, int]] = [(tree.body, 1)]
    while stack:
        node, depth = stack.pop()
        count += 1
        if count > MAX_NODES:
            raise InputError(f"The expression is too long (more than {MAX_NODES} parts); "
                             "simplify it.")
        if depth > MAX_DEPTH:
            raise InputError(f"The expression is nested too deeply (more than {MAX_DEPTH} "
                             "levels).")
        family = _family(node)
        for child in ast.iter_child_nodes(node):
            if isinstance(child, _SKIP):
                continue
            same_chain = family is not None and child is node.left and _family(child) == family
            stack.append((child, depth if same_chain else depth + 1))


def _chain(node: ast.BinOp) -> list[tuple[ast.operator | None, ast.expr, ast.BinOp | None]]:
    """Flatten a left-nested chain a - b + c into [(None, a, None), (Sub, b, ..), (Add, c, ..)]."""
    family = _family(node)
    links = []
    while _family(node) == family:
        links.append((node.op, node.right, node))
        node = node.left
    links.append((None, node, None))
    return links[::-1]
