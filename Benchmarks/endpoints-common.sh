# Shared by the endpoint benchmark scripts: release builds, and a prefab-sim in the background.
# shellcheck shell=bash

export PATH="/opt/swift/usr/bin:$PATH"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

build_release() {
    swift build -c release --product prefab-bench >&2
    swift build -c release --product prefab-sim >&2
    BIN="$(swift build -c release --show-bin-path)"
}

SIM_PID=""
SIM_URL=""

# start_sim ARGS...: starts prefab-sim on a free port and sets SIM_URL (http://127.0.0.1:PORT).
start_sim() {
    local log
    log="$(mktemp)"
    "$BIN/prefab-sim" --port 0 "$@" >"$log" 2>&1 &
    SIM_PID=$!
    for _ in $(seq 1 100); do
        if grep -q "listening on" "$log"; then
            SIM_URL="$(sed -n 's/.*listening on \(http[^ ]*\).*/\1/p' "$log" | head -n1)"
            rm -f "$log"
            return 0
        fi
        sleep 0.1
    done
    echo "prefab-sim did not start:" >&2
    cat "$log" >&2
    exit 1
}

stop_sim() {
    if [[ -n "$SIM_PID" ]]; then
        kill "$SIM_PID" 2>/dev/null || true
        wait "$SIM_PID" 2>/dev/null || true
        SIM_PID=""
    fi
}
trap stop_sim EXIT

# json_field JSON NAME: one numeric field of a flat JSON object.
json_field() {
    python3 -c 'import json,sys; print(json.loads(sys.argv[1])[sys.argv[2]])' "$1" "$2"
}
