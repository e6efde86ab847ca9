#!/usr/bin/env bash
# Runs every fuzz target (or those named) for SECONDS each (default 60), seeded from the
# samples of its format. Needs cargo-fuzz (`cargo install cargo-fuzz`) and nightly features: the
# nightly toolchain where installed, else RUSTC_BOOTSTRAP=1 on stable. A crash is saved under
# tests/fuzz/artifacts/TARGET/; make it a sample and a test.
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds="${SECONDS_EACH:-60}"
toolchain=()
if rustup toolchain list 2>/dev/null | grep -q '^nightly'; then toolchain=(+nightly); else export RUSTC_BOOTSTRAP=1; fi
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=($(ls tests/fuzz/fuzz_targets | sed 's/\.rs$//'))
for target in "${targets[@]}"; do
  format="${target#read_}"
  format="${format//_/-}"
  corpus="tests/fuzz/corpus/$target"
  mkdir -p "$corpus"
  echo "== $target (seeded from samples/$format)"
  cargo "${toolchain[@]}" fuzz run --fuzz-dir tests/fuzz "$target" "$corpus" "samples/$format" -- \
    -max_total_time="$seconds" -rss_limit_mb=1024 -max_len=1048576
done
