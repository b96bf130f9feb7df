#!/usr/bin/env bash
# Build every libFuzzer target under tests/fuzz with clang (ASan + UBSan) and
# run each for FUZZ_SECONDS (default 20) on its seed corpus. Exit non-zero if
# any target crashes; the crashing input is left in build/fuzz/.
set -euo pipefail
cd "$(dirname "$0")/../.."
secs=${FUZZ_SECONDS:-20}
out=build/fuzz
mkdir -p "$out"
pkgs="libxml-2.0 jansson libcrypto zlib"
cflags="-g -O1 -fsanitize=fuzzer,address,undefined -std=c11 -D_GNU_SOURCE -Icommon -Iservices/acs-gateway $(pkg-config --cflags $pkgs)"
libs="$(pkg-config --libs $pkgs)"
common="$(echo common/cwmp*.c) common/acs_buf.c common/acs_util.c common/acs_log.c common/acs_http_auth.c"
declare -A extra=(
  [fuzz_cwmp]=""
  [fuzz_scgi]="services/acs-gateway/scgi.c"
  [fuzz_http_headers]="services/acs-gateway/gw_state.c"
)
declare -A corpus=([fuzz_cwmp]=tests/fuzz/corpus/cwmp [fuzz_scgi]="" [fuzz_http_headers]="")
failed=0
for t in "${!extra[@]}"; do
  echo "fuzz: building $t"
  clang $cflags "tests/fuzz/$t.c" $common ${extra[$t]} $libs -o "$out/$t"
  work="$out/corpus-$t"; mkdir -p "$work"
  echo "fuzz: running $t for ${secs}s"
  if ! (cd "$out" && "./$t" -max_total_time="$secs" -print_final_stats=0 "corpus-$t" \
        ${corpus[$t]:+"../../${corpus[$t]}"} >"$t.log" 2>&1); then
    echo "fuzz: $t FAILED (see $out/$t.log)"; tail -20 "$out/$t.log"; failed=1
  else
    echo "fuzz: $t ok ($(grep -o 'stat::number_of_executed_units: [0-9]*' "$out/$t.log" || grep -Eo '#[0-9]+' "$out/$t.log" | tail -1) runs)"
  fi
done
exit $failed
