#!/usr/bin/env python3
"""Fails (exit 1) when a file in plugin/core includes a header of a higher layer.

The layers of plugin/core, lowest first (docs/ARCHITECTURE.md). A folder may include its own
headers and those of lower layers; folders on the same rank are siblings and may not include
each other. plugin/common and the public headers are below all of them.

  tools/check_layers.py <plugin/core dir> [--stamp FILE]

Run by the build (plugin/meson.build) before the core libraries compile, so a layering
violation fails `ninja`, not only a review.
"""
import pathlib
import re
import sys

RANKS = {
    'base': 0,
    'files': 1,
    'net': 1,
    'output': 2,
    'config': 3,
    'cache': 3,
    'module_host': 4,
    'flows': 5,
    'commands': 6,
}
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)


def violations(core: pathlib.Path):
    # A bare "name.h" include of a core header would resolve next to the including file and
    # hide which layer it comes from: core headers are always included by folder path.
    core_headers = {p.name for p in core.rglob('*.h')}
    for path in sorted(core.rglob('*')):
        if path.suffix not in ('.h', '.cc') or not path.is_file():
            continue
        rel = path.relative_to(core)
        if len(rel.parts) < 2:
            yield f'{rel}: a unit outside every layer folder ({", ".join(RANKS)})'
            continue
        folder = rel.parts[0]
        if folder not in RANKS:
            yield f'{rel}: folder "{folder}" is not a known layer; add it to tools/check_layers.py'
            continue
        for number, line in enumerate(path.read_text().splitlines(), 1):
            m = INCLUDE.match(line)
            if not m:
                continue
            if '/' not in m.group(1):
                if m.group(1) in core_headers:
                    yield f'{rel}:{number}: include "{m.group(1)}" by its folder path'
                continue
            target = m.group(1).split('/')[0]
            if target not in RANKS or target == folder:
                continue
            if RANKS[target] >= RANKS[folder]:
                yield (f'{rel}:{number}: {folder}/ (layer {RANKS[folder]}) includes '
                       f'"{m.group(1)}" (layer {RANKS[target]}); lower layers never include '
                       'higher or sibling ones')


def main(argv):
    core = pathlib.Path(argv[1])
    found = list(violations(core))
    for v in found:
        print(f'layering: {v}', file=sys.stderr)
    if found:
        return 1
    if len(argv) > 3 and argv[2] == '--stamp':
        pathlib.Path(argv[3]).write_text('ok\n')
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
