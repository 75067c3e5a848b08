#!/usr/bin/env python3
"""Checks the layering of src/ (issue 11): domain folders never reach the web server or the
application object, domain folders do not import each other both ways, and no two files
import each other (directly or round a loop). Prints the folder order on success.

A module's own `mod.rs` declaring and re-exporting its children is containment, not a
dependency, so edges from a module to its descendants are not counted.
"""
import os
import re
import sys

SRC = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src")
# Folders that are wiring, not domain: they may use anything.
WIRING = {"http", "cli", "bin", "startup", "state"}
# Files at the top of src/ that the domain may use (shared plumbing without domain facts).
SHARED = {"config", "db", "error", "input", "spreadsheet"}
# What a domain folder must never import.
FORBIDDEN = {"state", "http", "startup", "cli"}


def module_of(path):
    rel = os.path.relpath(path, SRC)[:-3].split(os.sep)
    if rel[-1] == "mod":
        rel = rel[:-1]
    if rel in (["lib"], ["main"]):
        return ()
    return tuple(rel)


def files():
    out = {}
    for root, _, names in os.walk(SRC):
        for n in names:
            if n.endswith(".rs"):
                p = os.path.join(root, n)
                m = module_of(p)
                if not m or m[0] in WIRING:
                    continue
                out[m] = p
    return out


def expand_use(tree):
    """`a::{b, c::{d, e}}` -> ['a::b', 'a::c::d', 'a::c::e']."""
    tree = re.sub(r"\s+", "", tree)
    depth = 0
    for i, ch in enumerate(tree):
        if ch == "{":
            if depth == 0:
                prefix = tree[:i]
                inner = tree[i + 1 : tree.rindex("}")]
                parts, d, cur = [], 0, ""
                for c in inner:
                    if c == "," and d == 0:
                        parts.append(cur)
                        cur = ""
                        continue
                    d += c == "{"
                    d -= c == "}"
                    cur += c
                if cur:
                    parts.append(cur)
                out = []
                for p in parts:
                    out += [prefix + q for q in expand_use(p)] if p != "self" else [prefix.rstrip(":")]
                return out
            depth += 1
    return [tree.split(" as ")[0]]


def strip_comments(text):
    text = re.sub(r"//[^\n]*", "", text)
    return re.sub(r'"(?:\\.|[^"\\])*"', '""', text)


def paths_in(text):
    text = strip_comments(text)
    found = []
    for m in re.finditer(r"\buse\s+([^;]+);", text):
        found += expand_use(m.group(1))
    found += re.findall(r"\b(?:crate|super|self)(?:::\w+)+", text)
    return found


def resolve(path, here, mods, is_mod_file):
    parts = path.split("::")
    if parts[0] == "crate":
        base, rest = (), parts[1:]
    elif parts[0] in ("super", "self"):
        base = here
        rest = parts
        while rest and rest[0] in ("super", "self"):
            if rest[0] == "super":
                base = base[:-1]
            rest = rest[1:]
    else:
        return None
    best = None
    cur = base
    if cur in mods:
        best = cur
    for p in rest:
        cur = cur + (p,)
        if cur in mods:
            best = cur
        else:
            break
    return best


def sccs(graph):
    index, low, stack, on, out = {}, {}, [], set(), []
    counter = [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            out.append(comp)

    sys.setrecursionlimit(10000)
    for v in list(graph):
        if v not in index:
            visit(v)
    return out


def main():
    mods = files()
    file_graph, folder_graph, problems = {}, {}, []
    for m, p in mods.items():
        text = open(p, encoding="utf-8").read()
        is_mod_file = p.endswith("mod.rs") or p.endswith("lib.rs")
        for path in paths_in(text):
            target = resolve(path, m, mods, is_mod_file)
            if target is None or target == m or target[: len(m)] == m:
                continue
            file_graph.setdefault(m, set()).add(target)
            a, b = m[0], target[0]
            if a in SHARED or a == b:
                continue
            if b in FORBIDDEN:
                problems.append(f"{p}: the domain uses crate::{b} ({path})")
            if b not in SHARED:
                folder_graph.setdefault(a, set()).add(b)
    for comp in sccs(folder_graph):
        if len(comp) > 1:
            problems.append("domain folders import each other: " + " <-> ".join(sorted(comp)))
    for comp in sccs(file_graph):
        if len(comp) > 1:
            names = sorted("::".join(c) for c in comp)
            problems.append("files import each other: " + " <-> ".join(names))
    if problems:
        print("\n".join(problems))
        return 1
    order, seen = [], set()

    def place(v):
        if v in seen:
            return
        seen.add(v)
        for w in sorted(folder_graph.get(v, ())):
            place(w)
        order.append(v)

    for v in sorted(folder_graph):
        place(v)
    print("layers ok; each domain folder uses only those before it: " + " < ".join(order))
    return 0


if __name__ == "__main__":
    sys.exit(main())
