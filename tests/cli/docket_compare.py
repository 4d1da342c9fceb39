"""Compares the web docket (the rows of every page of /check, and the
explanations of some findings) with `check --format json` of the same
registry: tests/cli/t2107-web-docket-kept.sh. Usage:
    docket_compare.py CHECK.json PAGES.html [EXPLAIN.html ID]...
Prints the first difference and exits 1, or exits 0."""
import html
import json
import re
import sys


def cell_text(c):
    return html.unescape(re.sub(r"<[^>]*>", "", c)).strip()


def page_rows(text):
    rows = []
    for line in text.splitlines():
        if not line.startswith('<tr><td><a href="/findings/'):
            continue
        cells = re.sub(r"^<tr><td>|</td></tr>$", "", line).split("</td><td>")
        rows.append(tuple(cell_text(c) for c in cells))
    return rows


def cli_rows(check):
    rows = []
    for f in check["findings"]:
        s = f["subject"]
        rows.append((f["id"], f["policy"], f["kind"],
                     "%s %s" % (s["entity"], s["id"]),
                     f["deadline"] or "", "overdue" if f["overdue"] else "",
                     f["detail"]))
    return rows


def main():
    check = json.load(open(sys.argv[1]))
    want = cli_rows(check)
    got = page_rows(open(sys.argv[2]).read())
    if len(want) != len(got):
        print("# %d findings on the pages, %d from check" % (len(got), len(want)))
    for w, g in zip(want, got):
        if w != g:
            print("# first difference:\n#  page:  %r\n#  check: %r" % (g, w))
            return 1
    if len(want) != len(got):
        return 1
    by_id = {f["id"]: f for f in check["findings"]}
    args = sys.argv[3:]
    for page, fid in zip(args[0::2], args[1::2]):
        ol = re.search(r'<ol class="steps">(.*?)</ol>', open(page).read(), re.S)
        steps = [cell_text(s) for s in
                 re.findall(r"<li>(.*?)</li>", ol.group(1) if ol else "", re.S)]
        if steps != by_id[fid]["explain"]:
            print("# explanation of %s differs:\n#  page:  %r\n#  check: %r"
                  % (fid, steps, by_id[fid]["explain"]))
            return 1
    return 0


sys.exit(main())
