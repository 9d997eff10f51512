#!/usr/bin/env bash
# Copies the retrieval evaluation corpus (Tests/Data/eval/README.md) out of the installed python3.11-doc
# into one flat folder, the names of Tests/Data/eval/python-docs/pages.txt, after checking every page
# against the SHA-256 sums recorded in the repo. Idempotent: the folder is rebuilt from scratch each run.
#
#   scripts/prepare_eval_corpus.sh [TARGET]     # default .build/eval-corpus/python-docs
set -euo pipefail
cd "$(dirname "$0")/.."

DATA=Tests/Data/eval/python-docs
DOCS=/usr/share/doc/python3.11/html
TARGET=${1:-.build/eval-corpus/python-docs}
PACKAGE=python3.11-doc
EXPECTED_VERSION=$(cat "$DATA/package-version.txt")

installed=$(dpkg-query -W -f='${Status} ${Version}' "$PACKAGE" 2>/dev/null || true)
if [[ $installed != "install ok installed "* ]] || [ ! -d "$DOCS" ]; then
    echo "error: $PACKAGE is not installed; install it with: apt-get install -y $PACKAGE" >&2
    exit 1
fi
version=${installed#install ok installed }
if [ "$version" != "$EXPECTED_VERSION" ]; then
    echo "warning: $PACKAGE $version is installed, the corpus was recorded from $EXPECTED_VERSION;" \
        "continuing only if every page matches its recorded sum" >&2
fi

if ! (cd "$DOCS" && sha256sum --check --quiet --strict) <"$DATA/sha256sums.txt" >&2; then
    echo "error: pages of $PACKAGE $version differ from the sums in $DATA/sha256sums.txt (recorded from" \
        "$EXPECTED_VERSION); the questions may no longer match them: install $PACKAGE=$EXPECTED_VERSION" \
        "or re-record the sums and re-check the questions (scripts/check_eval_questions.py)" >&2
    exit 1
fi

rm -rf "$TARGET"
mkdir -p "$TARGET"
count=0
while read -r source flat _; do
    case $source in '' | '#'*) continue ;; esac
    if ! grep -q "  $source\$" "$DATA/sha256sums.txt"; then
        echo "error: $source is listed in pages.txt but has no sum in sha256sums.txt" >&2
        exit 1
    fi
    cp "$DOCS/$source" "$TARGET/$flat"
    count=$((count + 1))
done <"$DATA/pages.txt"
echo "$count pages of $PACKAGE $version in $TARGET"
