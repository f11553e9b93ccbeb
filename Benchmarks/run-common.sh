# Shared by the `prefab run` benchmark scripts: release builds of prefab and prefab-sim, and the
# distilabel 1.5.3 and Curator 0.1.31 virtual environments (created on first use).
# shellcheck shell=bash

export PATH="/opt/swift/usr/bin:$PATH"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

DISTILABEL_VENV="$ROOT/.prefab/distilabel-venv"
CURATOR_VENV="$ROOT/.prefab/curator-venv"

build_release() {
    swift build -c release --product prefab >&2
    swift build -c release --product prefab-sim >&2
    BIN="$(swift build -c release --show-bin-path)"
}

# distilabel 1.5.3 with its OpenAI client. It also imports requests and bs4 without declaring them.
ensure_distilabel() {
    if [[ ! -x "$DISTILABEL_VENV/bin/python" ]] \
        || ! "$DISTILABEL_VENV/bin/python" -c 'import distilabel, openai, requests, bs4; assert distilabel.__version__ == "1.5.3"' 2>/dev/null; then
        echo "creating $DISTILABEL_VENV (distilabel 1.5.3)" >&2
        python3 -m venv "$DISTILABEL_VENV"
        "$DISTILABEL_VENV/bin/pip" install --quiet --upgrade pip >&2
        "$DISTILABEL_VENV/bin/pip" install --quiet "distilabel[openai]==1.5.3" requests beautifulsoup4 >&2
    fi
}

# Bespoke Curator 0.1.31 (its OpenAI backend, litellm and tiktoken come with it).
ensure_curator() {
    if [[ ! -x "$CURATOR_VENV/bin/python" ]] \
        || ! "$CURATOR_VENV/bin/python" -c 'import importlib.metadata as m; assert m.version("bespokelabs-curator") == "0.1.31"' 2>/dev/null; then
        echo "creating $CURATOR_VENV (bespokelabs-curator 0.1.31)" >&2
        python3 -m venv "$CURATOR_VENV"
        "$CURATOR_VENV/bin/pip" install --quiet --upgrade pip >&2
        "$CURATOR_VENV/bin/pip" install --quiet "bespokelabs-curator==0.1.31" >&2
    fi
}

# Whether this build has `prefab run` (listed among the subcommands of `prefab --help`; an
# unknown subcommand with --help prints the top-level help and exits 0).
has_prefab_run() {
    "$BIN/prefab" --help 2>/dev/null | grep -qE '^[[:space:]]+run([[:space:]]|$)'
}
