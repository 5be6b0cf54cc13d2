#!/usr/bin/env python3
"""Checks that every repository path a document names exists (TAP, one point per path).

  check_doc_paths.py ROOT DOC...

A path is a backquoted or bare token that starts with one of the tree's top-level folders
(plugin/, helper/, tests/, docs/, tools/, man/, conf/, packaging/, bench/, demo/) and may end
with a "/" (a folder) or carry a `<name>` placeholder segment (then its parent must exist); in backquotes, also a
path relative to plugin/core that starts with a layer folder (`cache/fetch.cc`).
"""
import pathlib
import re
import sys

TOP = ('plugin', 'helper', 'tests', 'docs', 'tools', 'man', 'conf', 'packaging', 'bench', 'demo')
PATH = re.compile(r'(?<![\w./-])((?:%s)/[\w./<>*-]*[\w/>])' % '|'.join(TOP))
# Inside backquotes, a path may also be relative to plugin/core (`cache/fetch.cc`).
CORE_LAYERS = ('base', 'files', 'output', 'config', 'cache', 'module_host', 'flows', 'commands')
CORE_PATH = re.compile(r'`((?:%s)/[\w./-]*)`' % '|'.join(CORE_LAYERS))


def main(argv):
    root = pathlib.Path(argv[1])
    checked = []
    for doc in argv[2:]:
        for path in sorted(set(PATH.findall(pathlib.Path(doc).read_text()))):
            path = path.rstrip('.')
            if '<' in path or '*' in path:
                path = path[:min(i for i in (path.find('<'), path.find('*')) if i >= 0)].rsplit('/', 1)[0]
            checked.append((doc, path, (root / path).exists()))
        for path in sorted(set(CORE_PATH.findall(pathlib.Path(doc).read_text()))):
            checked.append((doc, 'plugin/core/' + path, (root / 'plugin/core' / path).exists()))
    print(f'1..{len(checked)}')
    for n, (doc, path, ok) in enumerate(checked, 1):
        print(('ok' if ok else 'not ok') + f' {n} - {pathlib.Path(doc).name} names {path}')
    return 0 if all(ok for _, _, ok in checked) else 1


if __name__ == '__main__':
    sys.exit(main(sys.argv))
