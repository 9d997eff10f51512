#!/usr/bin/env python3
"""Checks the labelled retrieval questions against the evaluation corpus (stdlib only).

For every line of each questions file: it parses as a JSON object with a non-empty "question"
and "document"; the document is one of the flat names of the corpus list; the "passage", when
present, occurs (whitespace-normalised) in the text of that page; no question appears twice
across the files. Questions of the absent set (--absent) carry no document: they must not name one.

    scripts/check_eval_questions.py                     # the default files of Tests/Data/eval
    scripts/check_eval_questions.py --dump howto-logging.html   # print a page's extracted text

Pages are read from the installed python3.11-doc (the source paths of pages.txt), or from
--corpus DIR (the flat copies that scripts/prepare_eval_corpus.sh makes) when given.
"""

import argparse
import html.parser
import json
import os
import re
import sys

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
DATA = os.path.join(ROOT, "Tests", "Data", "eval")
DOCS = "/usr/share/doc/python3.11/html"

# Elements whose text is layout, not content.
SKIPPED = {"script", "style", "head", "nav"}
# Sphinx chrome around the body: sidebars, the related-links bars, the footer.
SKIPPED_CLASSES = {"sphinxsidebar", "related", "footer", "mobile-nav"}
BLOCKS = {
    "p", "div", "section", "pre", "li", "dt", "dd", "h1", "h2", "h3", "h4", "h5", "h6",
    "table", "tr", "td", "th", "blockquote", "br", "ul", "ol", "dl", "figure", "caption",
}
VOID = {"br", "img", "hr", "meta", "link", "input", "wbr", "col", "area", "base", "source"}


class TextExtractor(html.parser.HTMLParser):
    """The visible text of a Sphinx page, without its navigation, one block per line."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack = []  # for each open element: True when it hides its content
        self.hidden = 0
        self.preformatted = 0
        self.parts = []

    def handle_starttag(self, tag, attrs):
        if tag in BLOCKS:
            self.parts.append("\n")
        if tag in VOID:
            return
        classes = set((dict(attrs).get("class") or "").split())
        hides = tag in SKIPPED or bool(classes & SKIPPED_CLASSES) or "headerlink" in classes
        self.stack.append(hides)
        if hides:
            self.hidden += 1
        if tag == "pre":
            self.preformatted += 1

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        if self.stack:
            if self.stack.pop():
                self.hidden -= 1
        if tag == "pre" and self.preformatted:
            self.preformatted -= 1
        if tag in BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data):
        if not self.hidden:
            # Source line breaks inside a paragraph are spaces; only preformatted text keeps its lines.
            self.parts.append(data if self.preformatted else data.replace("\n", " "))

    def text(self):
        lines = (re.sub(r"[ \t\r\f\v]+", " ", line).strip() for line in "".join(self.parts).split("\n"))
        return "\n".join(line for line in lines if line)


def extract_text(path):
    with open(path, encoding="utf-8") as f:
        parser = TextExtractor()
        parser.feed(f.read())
        parser.close()
    return parser.text()


def normalise(text):
    """Whitespace collapsed to single spaces; typographic quotes as ASCII, as a question writer types them."""
    text = text.replace("\u2019", "'").replace("\u2018", "'").replace("\u201c", '"').replace("\u201d", '"')
    text = text.replace("\u00b6", "")
    return re.sub(r"\s+", " ", text).strip()


def read_pages(path):
    """pages.txt: `source-path flat-name` per line; # starts a comment."""
    pages = {}
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            line = line.split("#", 1)[0].strip()
            if not line:
                continue
            fields = line.split()
            if len(fields) != 2:
                sys.exit(f"{path}:{number}: expected 'source-path flat-name', got {line!r}")
            source, flat = fields
            if flat in pages:
                sys.exit(f"{path}:{number}: flat name {flat} listed twice")
            pages[flat] = source
    return pages


def page_path(pages, flat, corpus):
    if corpus:
        return os.path.join(corpus, flat)
    return os.path.join(DOCS, pages[flat])


def check(files, absent_files, pages, corpus):
    errors = []
    seen = {}
    texts = {}
    counts = {}

    def text_of(flat):
        if flat not in texts:
            texts[flat] = normalise(extract_text(page_path(pages, flat, corpus)))
        return texts[flat]

    for path, absent in [(p, False) for p in files] + [(p, True) for p in absent_files]:
        with open(path, encoding="utf-8") as f:
            lines = f.read().split("\n")
        if lines and lines[-1] == "":
            lines.pop()
        for number, line in enumerate(lines, 1):
            where = f"{os.path.relpath(path, ROOT)}:{number}"
            try:
                item = json.loads(line)
            except json.JSONDecodeError as error:
                errors.append(f"{where}: not JSON: {error}")
                continue
            if not isinstance(item, dict):
                errors.append(f"{where}: not a JSON object")
                continue
            question = item.get("question")
            if not isinstance(question, str) or not question.strip():
                errors.append(f"{where}: no question")
                continue
            key = normalise(question).lower()
            if key in seen:
                errors.append(f"{where}: duplicate of {seen[key]}: {question!r}")
            seen.setdefault(key, where)
            document = item.get("document")
            if absent:
                if document is not None:
                    errors.append(f"{where}: an absent question names a document")
                continue
            if document not in pages:
                errors.append(f"{where}: document {document!r} is not in the corpus list")
                continue
            counts[document] = counts.get(document, 0) + 1
            passage = item.get("passage")
            if not isinstance(passage, str) or not passage.strip():
                errors.append(f"{where}: no passage")
                continue
            if normalise(passage) not in text_of(document):
                errors.append(f"{where}: passage not found in {document}: {passage[:80]!r}")
    uncovered = sorted(set(pages) - set(counts))
    return errors, len(seen), counts, uncovered


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", default=os.path.join(DATA, "python-docs", "pages.txt"))
    parser.add_argument("--questions", action="append", help="questions file (repeatable)")
    parser.add_argument("--absent", action="append", help="questions answered by no page (repeatable)")
    parser.add_argument("--corpus", help="folder of flat copies instead of the installed docs")
    parser.add_argument("--minimum", type=int, default=120, help="fewest answerable questions accepted")
    parser.add_argument("--dump", metavar="FLAT", help="print the extracted text of one page and exit")
    args = parser.parse_args()

    pages = read_pages(args.pages)
    if args.dump:
        if args.dump not in pages:
            sys.exit(f"{args.dump} is not in {args.pages}")
        print(extract_text(page_path(pages, args.dump, args.corpus)))
        return
    missing = [flat for flat in pages if not os.path.isfile(page_path(pages, flat, args.corpus))]
    if missing:
        sys.exit(
            f"{len(missing)} page(s) missing, first {page_path(pages, missing[0], args.corpus)}; "
            "install them with: apt-get install -y python3.11-doc"
        )
    files = args.questions or [os.path.join(DATA, "python-docs-questions.jsonl")]
    absent = args.absent if args.absent is not None else [os.path.join(DATA, "python-docs-absent.jsonl")]
    errors, total, counts, uncovered = check(files, absent, pages, args.corpus)
    answerable = sum(counts.values())
    if answerable < args.minimum:
        errors.append(f"only {answerable} answerable questions, at least {args.minimum} expected")
    if uncovered:
        errors.append(f"pages without a question: {', '.join(uncovered)}")
    for error in errors:
        print(error, file=sys.stderr)
    if errors:
        sys.exit(f"{len(errors)} problem(s)")
    print(f"{answerable} answerable and {total - answerable} absent questions over {len(counts)} pages: ok")


if __name__ == "__main__":
    main()
