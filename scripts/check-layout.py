#!/usr/bin/env python3
"""The source tree's layout rules, checked on every test run:

- no source file over 500 lines before its tests (`#[cfg(test)] mod`), tests/ excepted;
- no import circle between files of a crate: `use crate::…`, `super::…`, `self::…` and child
  module paths are resolved to the file that defines the item (through `pub use`
  re-exports), and any strongly connected set of files is reported with its edges.

Exits non-zero on a violation. `scripts/check-layout.py [ROOT]`.
"""
import os, re, sys
root = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), '..')
MAX_LINES = 500
crates = ['domain', 'store', 'analytics', 'reports', 'app', 'server']

def modfile(src, parts):
    # parts: module path from crate root; return file that defines the deepest existing module
    best = None
    for i in range(len(parts), -1, -1):
        p = parts[:i]
        if not p:
            for c in ('lib.rs', 'main.rs'):
                if os.path.exists(os.path.join(src, c)):
                    return os.path.join(src, c), p
        cand = [os.path.join(src, *p) + '.rs', os.path.join(src, *p, 'mod.rs')]
        for c in cand:
            if os.path.exists(c):
                return c, p
    return None, []

def modpath(src, f):
    rel = os.path.relpath(f, src)[:-3].split(os.sep)
    if rel[-1] == 'mod': rel = rel[:-1]
    if rel in (['lib'], ['main']): rel = []
    return rel

def strip_tests(text):
    # drop #[cfg(test)] mod ... { } blocks roughly: cut from '#[cfg(test)]\nmod' to end
    m = re.search(r'#\[cfg\(test\)\]\s*(?:pub(?:\([^)]*\))?\s+)?mod \w+\s*\{', text)
    return text[:m.start()] if m else text

def uses(text):
    # doc links and comments are not imports
    text = re.sub(r'//[^\n]*', '', text)
    # expand use trees roughly: capture path heads
    out = []
    for m in re.finditer(r'\buse\s+([^;]+);', text):
        out += expand(m.group(1).replace('\n', ' ').replace(' ', ''))
    for m in re.finditer(r'\b((?:crate|super|self)(?:::\w+)+)', text):
        out.append(m.group(1))
    return out

def expand(tree):
    # a::b::{c, d::{e}} -> [a::b::c, a::b::d::e]
    i = tree.find('{')
    if i < 0: return [tree]
    prefix = tree[:i]
    inner = tree[i+1:tree.rfind('}')]
    parts, depth, cur = [], 0, ''
    for ch in inner:
        if ch == ',' and depth == 0:
            parts.append(cur); cur = ''
        else:
            depth += ch == '{'; depth -= ch == '}'; cur += ch
    parts.append(cur)
    res = []
    for p in parts:
        if p: res += expand(prefix + p)
    return res

def reexports(text):
    """name -> use path for `pub use` / `pub(crate) use` / `pub(super) use` items."""
    out = {}
    for m in re.finditer(r'\bpub(?:\([^)]*\))?\s+use\s+([^;]+);', text):
        for path in expand(m.group(1).replace('\n', ' ').replace(' ', '')):
            name = path.split('::')[-1]
            if ' as ' in m.group(1): pass
            out[name] = path
    return out

def resolve(src, f_of, me, u, depth=0):
    segs = u.split('::')
    if segs[0] == 'crate': base = []; segs = segs[1:]
    elif segs[0] in ('super', 'self'):
        base = list(me)
        while segs and segs[0] in ('super', 'self'):
            if segs[0] == 'super': base = base[:-1]
            segs = segs[1:]
    else:
        # 2018 paths: `use child::X` inside a module names its own child module
        child, _ = modfile(src, list(me) + segs[:1])
        if child is None or modpath(src, child) != list(me) + segs[:1]: return None
        base = list(me)
    segs = [s for s in segs if s != '*']
    full = base + segs
    target, found = modfile(src, full)
    if target is None: return None
    rest = full[len(found):]
    if rest and depth < 5:
        rx = reexports(strip_tests(open(target).read()))
        if rest[0] in rx:
            # a re-export of another crate's item is no dependency on this file
            return resolve(src, f_of, found, rx[rest[0]], depth + 1)
    return target

total = 0
for crate in crates:
    src = os.path.join(root, crate, 'src')
    if not os.path.isdir(src): continue
    files = []
    for d, _, fs in os.walk(src):
        files += [os.path.join(d, f) for f in fs if f.endswith('.rs')]
    graph = {}
    for f in files:
        me = modpath(src, f)
        text = strip_tests(open(f).read())
        deps = set()
        for u in uses(text):
            target = resolve(src, None, me, u)
            if target and target != f:
                # a mod.rs/lib.rs reached only as a prefix (e.g. super::Thing) counts too
                deps.add(target)
        graph[f] = deps
    # cycles via Tarjan SCC
    index, low, stack, on, sccs, n = {}, {}, [], set(), [], [0]
    def strong(v):
        index[v] = low[v] = n[0]; n[0] += 1; stack.append(v); on.add(v)
        for w in graph.get(v, ()):
            if w not in index: strong(w); low[v] = min(low[v], low[w])
            elif w in on: low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop(); on.discard(w); comp.append(w)
                if w == v: break
            if len(comp) > 1: sccs.append(comp)
    sys.setrecursionlimit(10000)
    for v in graph:
        if v not in index: strong(v)
    for c in sccs:
        total += 1
        print(f'import circle in {crate}: ' + ' <-> '.join(sorted(os.path.relpath(x, root) for x in c)))
        cs = set(c)
        for v in sorted(c):
            for w in sorted(graph[v] & cs):
                print(f'    {os.path.relpath(v, root)} uses {os.path.relpath(w, root)}')
    for f in sorted(files):
        n = len(strip_tests(open(f).read()).splitlines())
        if n > MAX_LINES:
            total += 1
            print(f'{os.path.relpath(f, root)}: {n} lines before its tests (at most {MAX_LINES})')
print(f'layout: {total} problem(s)')
sys.exit(1 if total else 0)
