#!/usr/bin/env bash
# EdgeConv's test command: ./scripts/test.sh [--x86-only | --arm64-only | --prepare-only]
#
# Passes (see docs/TESTING.md):
#   x64                  dotnet test EdgeConv.sln -c Release (after one dotnet build)
#   x64-no-avx512 ...    the built test executable again with one SIMD level forced off
#   arm64-cortex-* ...   the linux-arm64 self-contained publish under qemu-aarch64-static
# Prints one result line per pass and, last, "N passed, N failed" counting passes.
# --prepare-only installs the arm64 prerequisites (qemu, cross libs, sysroot; needs root) and exits.
#
# Environment:
#   EDGECONV_FALLBACK_FILTER  xunit v3 filter args for the x64 fallback passes (e.g. "-trait Category=Kernel")
#   EDGECONV_ARM64_FILTER     xunit v3 filter args for the arm64 passes (default: all tests)
#   EDGECONV_TEST_ARGS        extra xunit v3 args for every pass that runs the executable (e.g. -showLiveOutput)
#   EDGECONV_CACHE            cache folder (default ~/.cache/edgeconv); holds arm64-sysroot/
#   EDGECONV_PASS_TIMEOUT     seconds one pass may take before it is killed and failed (default 900)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

# ---------------------------------------------------------------------------------------------
# The passes. Edit these lists to add, drop or change a pass.
# x64 fallback passes: "name|VAR=value VAR=value ..." (run the built test executable directly).
# DOTNET_EnableAVX512 (not ...AVX512F): on .NET 10 the AVX-512 knobs were merged into one and
# DOTNET_EnableAVX512F=0 leaves AVX-512 on (checked by the EDGECONV_EXPECT_AVX512 smoke test).
X64_FALLBACK_PASSES=(
  "x64-no-avx512|DOTNET_EnableAVX512=0 EDGECONV_EXPECT_AVX512=0"
  "x64-no-avx2|DOTNET_EnableAVX2=0 EDGECONV_EXPECT_AVX2=0 EDGECONV_EXPECT_AVX512=0"
  "x64-no-hwintrinsic|DOTNET_EnableHWIntrinsic=0 EDGECONV_EXPECT_HWACCEL=0 EDGECONV_EXPECT_AVX2=0 EDGECONV_EXPECT_AVX512=0"
)
# What every pass of one architecture checks (PlatformSmokeTests), besides its own settings.
X64_COMMON_EXPECT="EDGECONV_EXPECT_ARCH=x64 EDGECONV_EXPECT_ADVSIMD=0 EDGECONV_EXPECT_DP=0 EDGECONV_EXPECT_RDM=0"
ARM64_COMMON_EXPECT="EDGECONV_EXPECT_ARCH=arm64 EDGECONV_EXPECT_HWACCEL=1 EDGECONV_EXPECT_AVX2=0 EDGECONV_EXPECT_AVX512=0"
# arm64 passes under qemu: "name|qemu -cpu model|VAR=value ..."
#   cortex-a53: Pi 3 / Zero 2, cortex-a72: Pi 4 (no SDOT, no SQRDMLAH), cortex-a76: Pi 5 (SDOT).
ARM64_PASSES=(
  "arm64-cortex-a53|cortex-a53|EDGECONV_EXPECT_ADVSIMD=1 EDGECONV_EXPECT_DP=0 EDGECONV_EXPECT_RDM=0"
  "arm64-cortex-a72|cortex-a72|EDGECONV_EXPECT_ADVSIMD=1 EDGECONV_EXPECT_DP=0 EDGECONV_EXPECT_RDM=0"
  "arm64-cortex-a76|cortex-a76|EDGECONV_EXPECT_ADVSIMD=1 EDGECONV_EXPECT_DP=1 EDGECONV_EXPECT_RDM=1"
  "arm64-cortex-a76-no-dp|cortex-a76|DOTNET_EnableArm64Dp=0 EDGECONV_EXPECT_ADVSIMD=1 EDGECONV_EXPECT_DP=0 EDGECONV_EXPECT_RDM=1"
)
# ---------------------------------------------------------------------------------------------

usage() {
  awk 'NR == 1 { next } /^#/ { sub(/^# ?/, ""); print; next } { exit }' "${BASH_SOURCE[0]}"
}

RUN_X86=1
RUN_ARM64=1
PREPARE_ONLY=0
for arg in "$@"; do
  case "$arg" in
    --x86-only) RUN_ARM64=0 ;;
    --arm64-only) RUN_X86=0 ;;
    --prepare-only) PREPARE_ONLY=1 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "test.sh: unknown argument '$arg' (try --help)" >&2; exit 2 ;;
  esac
done
if [[ $RUN_X86 == 0 && $RUN_ARM64 == 0 ]]; then
  echo "test.sh: --x86-only and --arm64-only exclude each other" >&2
  exit 2
fi

CACHE="${EDGECONV_CACHE:-${HOME:-/root}/.cache/edgeconv}"
ARM64_PREREQ_HINT="or run only the x86-64 passes:  ./scripts/test.sh --x86-only"
# shellcheck source=lib/arm64-qemu.sh
source "$ROOT/scripts/lib/arm64-qemu.sh"   # SYSROOT, ARM64_QEMU_ENV, ensure_arm64_prereqs, pkg_installed
OUT="$ROOT/artifacts/test"
LOGS="$OUT/logs"
ARM64_PUBLISH="$OUT/arm64-publish"
PASS_TIMEOUT="${EDGECONV_PASS_TIMEOUT:-900}"
mkdir -p "$LOGS"

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

# Filters and extra args are split on whitespace (no globbing, no quote handling), so
# EDGECONV_ARM64_FILTER='-class EdgeConv.Tests.Kernels.* -trait- Speed=Slow' works as written.
read -r -a FALLBACK_FILTER <<< "${EDGECONV_FALLBACK_FILTER:-}"
read -r -a ARM64_FILTER <<< "${EDGECONV_ARM64_FILTER:-}"
read -r -a EXTRA_ARGS <<< "${EDGECONV_TEST_ARGS:-}"
XUNIT_ARGS=(-noLogo)
[[ -t 1 ]] || XUNIT_ARGS+=(-noColor)

RESULT_LINES=()
PASSED=0
FAILED=0
START_ALL=$SECONDS

record() { # name status seconds detail
  local name=$1 status=$2 secs=$3 detail=$4
  RESULT_LINES+=("$(printf '%-24s %-6s %5ss  %s' "$name" "$status" "$secs" "$detail")")
  if [[ $status == PASS ]]; then PASSED=$((PASSED + 1)); else FAILED=$((FAILED + 1)); fi
  echo ">>> $name: $status in ${secs}s  $detail"
  echo
}

header() {
  echo
  echo "================================================================================"
  echo "=== $*"
  echo "================================================================================"
}

# Runs one pass: run_pass NAME "DESCRIPTION" "VAR=v ..." COMMAND...
# Output goes to the console and to artifacts/test/logs/NAME.log.
run_pass() {
  local name=$1 desc=$2 envs=$3
  shift 3
  local log="$LOGS/$name.log" isa="$LOGS/$name.isa.txt" rc=0 start=$SECONDS
  local -a envlist=()
  read -r -a envlist <<< "$envs"
  rm -f "$isa"
  header "$name: $desc"
  [[ -n $envs ]] && echo "env: $envs"
  echo "cmd: $*"
  set +e
  env "${envlist[@]}" EDGECONV_ISA_REPORT_FILE="$isa" timeout -k 15 "$PASS_TIMEOUT" "$@" 2>&1 | tee "$log"
  rc=${PIPESTATUS[0]}
  set -e
  local secs=$((SECONDS - start)) detail="" summary
  # xunit v3 runner: "EdgeConv.Tests  Total: 9, Errors: 0, Failed: 0, Skipped: 7, Not Run: 0, Time: 0.2s"
  # dotnet test (MTP): "total: 9" / "failed: 0" / "succeeded: 2" / "skipped: 7"
  summary=$(grep -oE 'Total: [0-9]+(, Errors: [0-9]+, Failed: [0-9]+, Skipped: [0-9]+)?' "$log" | tail -n 1 || true)
  if [[ -z $summary ]] && grep -qE '^\s*total: [0-9]+' "$log"; then
    summary=$(grep -E '^\s*(total|failed|succeeded|skipped): [0-9]+' "$log" | tail -n 4 | sed 's/^ *//' | paste -sd ' ' -)
  fi
  detail="tests: ${summary:-no summary}"
  if [[ $rc == 0 && -z $summary ]]; then
    rc=98
    detail="$detail (no test summary in the output)"
  elif [[ $rc == 0 && $summary =~ [Tt]otal:\ 0([^0-9]|$) ]]; then
    rc=99
    detail="$detail (ran no test: check the filter)"
  fi
  [[ $rc == 124 || $rc == 137 ]] && detail="$detail (timed out after ${PASS_TIMEOUT}s)"
  [[ $rc == 0 ]] || detail="exit $rc, log ${log#"$ROOT"/}; $detail"
  [[ -s $isa ]] && detail="$detail | $(tr -d '\n' < "$isa")"
  if [[ $rc == 0 ]]; then record "$name" PASS "$secs" "$detail"; else record "$name" FAIL "$secs" "$detail"; fi
}

skip_as_failed() { # name reason
  header "$1: not run"
  echo "$2"
  record "$1" FAIL 0 "not run: $2"
}

# What the host CPU offers, as the runtime should see it on the default pass.
cpu_has() { grep -qwm1 "$1" /proc/cpuinfo 2>/dev/null; }
host_x64_expectations() {
  local e="EDGECONV_EXPECT_HWACCEL=1"
  if cpu_has avx2; then e+=" EDGECONV_EXPECT_AVX2=1"; else e+=" EDGECONV_EXPECT_AVX2=0"; fi
  # .NET enables AVX-512 only when F, BW, CD, DQ and VL are all there.
  if cpu_has avx512f && cpu_has avx512bw && cpu_has avx512cd && cpu_has avx512dq && cpu_has avx512vl; then
    e+=" EDGECONV_EXPECT_AVX512=1"
  else
    e+=" EDGECONV_EXPECT_AVX512=0"
  fi
  echo "$e"
}

# ------------------------------------------------------------------ x86-64
run_x86() {
  local name envs p exe="" reason="" host_expect
  host_expect=$(host_x64_expectations)
  header "x64 build: dotnet build EdgeConv.sln -c Release"
  local start=$SECONDS
  if ! dotnet build EdgeConv.sln -c Release -nologo 2>&1 | tee "$LOGS/x64-build.log"; then
    reason="dotnet build failed (log: artifacts/test/logs/x64-build.log)"
  else
    local tdir=""
    tdir=$(dotnet msbuild tests/EdgeConv.Tests/EdgeConv.Tests.csproj -nologo -getProperty:TargetDir -p:Configuration=Release) || true
    exe="${tdir%/}/EdgeConv.Tests"
    [[ -n $tdir && -x $exe ]] || reason="no test executable at '$exe' after the build"
  fi
  echo ">>> x64 build: ${reason:-done} in $((SECONDS - start))s"
  if [[ -n $reason ]]; then
    skip_as_failed x64 "$reason"
  else
    run_pass x64 "dotnet test EdgeConv.sln -c Release --no-build (host SIMD)" "$X64_COMMON_EXPECT $host_expect" \
      dotnet test EdgeConv.sln -c Release --no-build
  fi
  for p in "${X64_FALLBACK_PASSES[@]}"; do
    IFS='|' read -r name envs <<< "$p"
    if [[ -n $reason ]]; then
      skip_as_failed "$name" "$reason"
      continue
    fi
    # The pass's own EDGECONV_EXPECT_* come last and override the host's.
    run_pass "$name" "x64 test executable, ${envs%% *}" "$X64_COMMON_EXPECT $host_expect $envs" \
      "$exe" "${XUNIT_ARGS[@]}" "${FALLBACK_FILTER[@]}" "${EXTRA_ARGS[@]}"
  done
}

# ------------------------------------------------------------------ arm64 under qemu
run_arm64() {
  local p name cpu envs reason=""
  header "arm64 setup: prerequisites, sysroot ($SYSROOT), publish"
  local start=$SECONDS
  if ! ensure_arm64_prereqs; then
    reason="arm64 prerequisites missing (see above)"
  else
    echo "+ dotnet publish tests/EdgeConv.Tests -c Release -r linux-arm64 --self-contained -o ${ARM64_PUBLISH#"$ROOT"/}"
    rm -rf "$ARM64_PUBLISH"
    if ! dotnet publish tests/EdgeConv.Tests/EdgeConv.Tests.csproj -c Release -r linux-arm64 --self-contained \
         -o "$ARM64_PUBLISH" -nologo -v quiet 2>&1 | tee "$LOGS/arm64-publish.log"; then
      reason="dotnet publish -r linux-arm64 failed (log: artifacts/test/logs/arm64-publish.log)"
    elif [[ ! -x $ARM64_PUBLISH/EdgeConv.Tests ]]; then
      reason="no $ARM64_PUBLISH/EdgeConv.Tests after publish"
    fi
  fi
  echo ">>> arm64 setup: ${reason:-done} in $((SECONDS - start))s"
  for p in "${ARM64_PASSES[@]}"; do
    IFS='|' read -r name cpu envs <<< "$p"
    if [[ -n $reason ]]; then
      skip_as_failed "$name" "$reason"
      continue
    fi
    run_pass "$name" "qemu-aarch64-static -cpu $cpu" "QEMU_LD_PREFIX=$SYSROOT $ARM64_QEMU_ENV $ARM64_COMMON_EXPECT $envs" \
      qemu-aarch64-static -cpu "$cpu" "$ARM64_PUBLISH/EdgeConv.Tests" "${XUNIT_ARGS[@]}" "${ARM64_FILTER[@]}" "${EXTRA_ARGS[@]}"
  done
}

# ------------------------------------------------------------------ x86-64 test data
# The quantizer's tests read real data that packages provide: ONNX's conformance cases (Debian),
# BlazeFace and M-LSD (npm), and a Fashion-MNIST classifier trained here with Debian's PyTorch.
# Each is fetched or made once into the cache; a test whose data is missing skips and says why.
X64_TEST_PACKAGES=(libonnx-testdata python3-torch python3-numpy dataset-fashion-mnist)
ensure_x64_test_data() {
  local missing=() p
  for p in "${X64_TEST_PACKAGES[@]}"; do pkg_installed "$p" || missing+=("$p"); done
  # The machine image ships Node.js with its own npm; Debian's npm package conflicts with it.
  command -v npm >/dev/null || missing+=(npm)
  if [[ ${#missing[@]} != 0 ]]; then
    if [[ $(id -u) != 0 ]]; then
      echo "test data: not root, so not installing ${missing[*]}; the tests that need them will skip." >&2
    else
      export DEBIAN_FRONTEND=noninteractive
      echo "+ apt-get install -y --no-install-recommends ${missing[*]}  (log: artifacts/test/logs/apt-x64-data.log)"
      if ! { apt-get update -qq && apt-get install -y -q --no-install-recommends "${missing[@]}"; } > "$LOGS/apt-x64-data.log" 2>&1; then
        echo "test data: apt-get install failed (see the log); the tests that need it will skip." >&2
      fi
    fi
  fi
  if command -v npm >/dev/null; then
    EDGECONV_CACHE="$CACHE" ./tools/fetch-models.sh > "$LOGS/fetch-models.log" 2>&1 \
      || echo "test data: npm models could not be fetched (log: artifacts/test/logs/fetch-models.log)." >&2
  fi
  local fashion="$CACHE/fashion-mnist"
  if [[ ! -f $fashion/.complete ]] && /usr/bin/python3 -c "import torch, numpy" 2>/dev/null \
     && [[ -d /usr/share/datasets/fashion-mnist ]]; then
    echo "+ tools/fashion-mnist/train.py $fashion --epochs 2 --train-images 30000  (about a minute; log: artifacts/test/logs/fashion-train.log)"
    rm -rf "$fashion"
    if /usr/bin/python3 tools/fashion-mnist/train.py "$fashion" --epochs 2 --train-images 30000 > "$LOGS/fashion-train.log" 2>&1; then
      touch "$fashion/.complete"
      tail -n 2 "$LOGS/fashion-train.log"
    else
      echo "test data: training the Fashion-MNIST model failed (log: artifacts/test/logs/fashion-train.log)." >&2
    fi
  fi
}

if [[ $PREPARE_ONLY == 1 ]]; then
  # Installs what the tests need (root), runs nothing: for .ci/run and for `sudo` once.
  ensure_x64_test_data
  ensure_arm64_prereqs
  exit 0
fi

if [[ $RUN_X86 == 1 ]]; then ensure_x64_test_data; run_x86; fi
if [[ $RUN_ARM64 == 1 ]]; then run_arm64; fi

header "summary ($((SECONDS - START_ALL))s in all)"
for line in "${RESULT_LINES[@]}"; do echo "$line"; done
echo
echo "$PASSED passed, $FAILED failed"
[[ $FAILED == 0 ]]
