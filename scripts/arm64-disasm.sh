#!/usr/bin/env bash
# The ARM64 code the JIT generates for EdgeConv's inner loops, per Raspberry Pi CPU, with counts:
#   ./scripts/arm64-disasm.sh [--no-publish] [--model FILE] [--paths a76-dp,a53] [--method 'NAME=PATTERN|MACS|UNIT|LOOP'] [--prepare-only]
#
# Publishes src/EdgeConv.Cli for linux-arm64 (self-contained, into artifacts/arm64-disasm/), runs
# `EdgeConv.Cli bench MODEL --iterations 1 --warmup 0 --threads 1` once per CPU path under
# qemu-aarch64-static with DOTNET_TieredCompilation=0 (each method jitted once, fully optimized)
# and DOTNET_JitDisasm set to the methods below, then, with scripts/arm64-disasm-count.py:
#   docs/arm64-disasm/<path>/<kernel>.asm         the JIT's listing (DOTNET_JitDisasmDiffable=1), stored
#                                                  once when several paths get the same code
#   docs/arm64-disasm/<path>/<kernel>.counts.txt  the hot loop, each instruction classified, counts per unit
#   docs/arm64-disasm/SUMMARY.md                   one table for every kernel and path
# docs/ARM64-KERNELS.md explains the numbers and compares them with XNNPACK.
#
# Options:
#   --method SPEC    add a method (repeatable): NAME=PATTERN|MACS|UNIT|LOOP, e.g.
#                    'pointwise-4x16=*PointwiseConvInt8:Tile4x16*|256|256 MACs'. PATTERN is DOTNET_JitDisasm's
#                    syntax ([Namespace.]Class:Method, * wildcards; generic methods need a trailing *);
#                    MACS is the unit (16 = 16 channels x 1 tap, 256 = 256 MACs); LOOP a label such as
#                    G_M000_IG05 when the hottest innermost loop is not the one to count.
#   --only NAMES     run only these methods of the list (comma-separated names)
#   --paths LIST     CPU paths to run (default: all below, comma-separated)
#   --model FILE     an int8 .tflite that runs the kernels (default: EDGECONV_DISASM_MODEL, else
#                    mobilenet_v2_quantized_1x3x224x224.tflite from ../shared/models)
#   --no-publish     reuse artifacts/arm64-disasm/publish from the last run
#   --prepare-only   install qemu and the arm64 sysroot (root), then stop
#
# Environment: EDGECONV_CACHE (cache folder, default ~/.cache/edgeconv; the sysroot is arm64-sysroot/ in it),
#   EDGECONV_SHARED (the shared folder), EDGECONV_DISASM_MODEL, EDGECONV_DISASM_TIMEOUT (seconds per run, default 900).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

# ---------------------------------------------------------------------------------------------
# The methods: "name|JitDisasm pattern|MACs per unit|unit|loop label (optional)". A kernel that is
# renamed or added: edit here (or pass --method). The name is the file name under docs/arm64-disasm/<path>/.
DISASM_METHODS=(
  # Depthwise 3x3, the unrolled path (AdvSimd "mla8": SMULL/SMLAL + SADDW), on every path.
  "depthwise-3x3|*DepthwiseConvInt8Vector128:Row3x3|16|16 channels x 1 tap"
  # GEMM with Dp (a76): GemmInt8Tile4x16's ArmDp micro-kernel (pointwise, im2col conv and fully
  # connected), SDOT by element, 4 rows x 16 columns x 16 deep per iteration.
  "gemm-4x16c4-sdot|*ArmDpTile:Accumulate|256|256 MACs"
  # GEMM without Dp (a53, a72, a76 with Dp off): GemmInt8Tile4x16's ArmNeon micro-kernel, SMLAL/SMLAL2
  # by element on int16 weights, 4 rows x 16 columns x 8 deep per iteration.
  "gemm-4x16-mlal-lane|*ArmNeonTile:Accumulate|256|256 MACs"
  # The portable GEMM (GemmInt8Vector128:Tile) runs on ARM64 only for grouped convs, which the default
  # model has none of: add it with --method and a --model that has them.
)
# The CPU paths: "name|qemu -cpu|extra environment|same ISA as". A listing that is byte for byte one
# of an earlier path is stored once, under that earlier path, and SUMMARY.md says so; "same ISA as"
# only adds a warning when two such paths differ.
DISASM_PATHS=(
  "a53|cortex-a53||"                             # Pi 3 / Zero 2: AdvSimd only
  "a72|cortex-a72||a53"                          # Pi 4: the same ISA as the a53
  "a76-nodp|cortex-a76|DOTNET_EnableArm64Dp=0|"  # Pi 5 with the SDOT paths off (Rdm still on)
  "a76-dp|cortex-a76||"                          # Pi 5: AdvSimd + Dp (SDOT) + Rdm
)
# ---------------------------------------------------------------------------------------------

usage() { awk 'NR == 1 { next } /^#/ { sub(/^# ?/, ""); print; next } { exit }' "${BASH_SOURCE[0]}"; }

PUBLISH=1
PREPARE_ONLY=0
ONLY=""
PATH_FILTER=""
MODEL="${EDGECONV_DISASM_MODEL:-}"
EXTRA_METHODS=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --no-publish) PUBLISH=0 ;;
    --prepare-only) PREPARE_ONLY=1 ;;
    --only) ONLY="${2:?--only needs names}"; shift ;;
    --paths) PATH_FILTER="${2:?--paths needs a list}"; shift ;;
    --model) MODEL="${2:?--model needs a file}"; shift ;;
    --method) EXTRA_METHODS+=("${2:?--method needs NAME=PATTERN|MACS|UNIT}"); shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "arm64-disasm.sh: unknown argument '$1' (try --help)" >&2; exit 2 ;;
  esac
  shift
done

CACHE="${EDGECONV_CACHE:-${HOME:-/root}/.cache/edgeconv}"
ARM64_PREPARE_COMMAND="./scripts/arm64-disasm.sh --prepare-only"
# shellcheck source=lib/arm64-qemu.sh
source "$ROOT/scripts/lib/arm64-qemu.sh"   # SYSROOT, ARM64_QEMU_ENV, ensure_arm64_prereqs
WORK="$ROOT/artifacts/arm64-disasm"
LOGS="$WORK/logs"
PUBLISH_DIR="$WORK/publish"
DOCS="$ROOT/docs/arm64-disasm"
TIMEOUT="${EDGECONV_DISASM_TIMEOUT:-900}"
COUNT=(python3 "$ROOT/scripts/arm64-disasm-count.py")
mkdir -p "$LOGS"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

ensure_arm64_prereqs || exit 1
[[ $PREPARE_ONLY == 1 ]] && exit 0

# Methods as NAME=PATTERN|MACS|UNIT|LOOP specs for the counter.
SPECS=()
for m in "${DISASM_METHODS[@]}"; do
  IFS='|' read -r name pattern macs unit loop <<< "$m"
  [[ -z $ONLY || ",$ONLY," == *",$name,"* ]] || continue
  SPECS+=("$name=$pattern|$macs|$unit|$loop")
done
for m in "${EXTRA_METHODS[@]}"; do
  [[ $m == *=* ]] || { echo "arm64-disasm.sh: --method '$m' is not NAME=PATTERN..." >&2; exit 2; }
  SPECS+=("$m")
done
[[ ${#SPECS[@]} -gt 0 ]] || { echo "arm64-disasm.sh: no method selected" >&2; exit 2; }
PATTERNS=""
METHOD_ARGS=()
for s in "${SPECS[@]}"; do
  rest="${s#*=}"
  PATTERNS+="${PATTERNS:+ }${rest%%|*}"
  METHOD_ARGS+=(--method "$s")
done

if [[ -z $MODEL ]]; then
  shared="${EDGECONV_SHARED:-$ROOT/../shared}"
  MODEL="$shared/models/mobilenet_v2_quantized_1x3x224x224.tflite"
fi
[[ -f $MODEL ]] || { echo "arm64-disasm.sh: model '$MODEL' not found (--model FILE or EDGECONV_DISASM_MODEL)" >&2; exit 1; }
MODEL="$(cd "$(dirname "$MODEL")" && pwd)/$(basename "$MODEL")"

if [[ $PUBLISH == 1 || ! -x $PUBLISH_DIR/EdgeConv.Cli ]]; then
  echo "+ dotnet publish src/EdgeConv.Cli -c Release -r linux-arm64 --self-contained -o ${PUBLISH_DIR#"$ROOT"/}"
  rm -rf "$PUBLISH_DIR"
  dotnet publish src/EdgeConv.Cli/EdgeConv.Cli.csproj -c Release -r linux-arm64 --self-contained \
    -o "$PUBLISH_DIR" -nologo -v quiet > "$LOGS/publish.log" 2>&1 || { cat "$LOGS/publish.log" >&2; exit 1; }
fi

echo "model: $MODEL"
echo "methods: $PATTERNS"
RUN_PATHS=()
FAILED=0
for p in "${DISASM_PATHS[@]}"; do
  IFS='|' read -r name cpu envs same <<< "$p"
  [[ -z $PATH_FILTER || ",$PATH_FILTER," == *",$name,"* ]] || continue
  listing="$WORK/$name.jit.asm"
  rm -f "$listing"   # the JIT appends to JitStdOutFile
  read -r -a envlist <<< "QEMU_LD_PREFIX=$SYSROOT $ARM64_QEMU_ENV DOTNET_TieredCompilation=0 DOTNET_JitDisasmDiffable=1 $envs"
  echo "+ [$name] ${envs:+$envs }qemu-aarch64-static -cpu $cpu EdgeConv.Cli bench $(basename "$MODEL") --iterations 1 --warmup 0 --threads 1"
  start=$SECONDS
  if ! env "${envlist[@]}" DOTNET_JitDisasm="$PATTERNS" DOTNET_JitStdOutFile="$listing" \
       timeout -k 15 "$TIMEOUT" qemu-aarch64-static -cpu "$cpu" "$PUBLISH_DIR/EdgeConv.Cli" \
       bench "$MODEL" --iterations 1 --warmup 0 --threads 1 > "$LOGS/$name.log" 2>&1; then
    echo "  [$name] the run failed after $((SECONDS - start))s (log: ${LOGS#"$ROOT"/}/$name.log):" >&2
    tail -n 5 "$LOGS/$name.log" >&2
    FAILED=1
    continue
  fi
  echo "  [$name] $((SECONDS - start))s"
  for s in "${SPECS[@]}"; do rm -f "$DOCS/$name/${s%%=*}.asm" "$DOCS/$name/${s%%=*}.counts.txt"; done
  "${COUNT[@]}" split --listing "$listing" "${METHOD_ARGS[@]}" --out "$DOCS/$name"
  RUN_PATHS+=("$name${same:+=$same}")
done
[[ ${#RUN_PATHS[@]} -gt 0 ]] || { echo "arm64-disasm.sh: no path ran" >&2; exit 1; }

runtime=$(sed -n 's/.*Microsoft\.NETCore\.App\.Runtime\.linux-arm64\/\([^"]*\)".*/\1/p' "$PUBLISH_DIR/EdgeConv.Cli.deps.json" | head -n 1)
context="Model: \`$(basename "$MODEL")\`, one \`bench --iterations 1 --warmup 0 --threads 1\` per path under \`qemu-aarch64-static\`; "
context+=".NET runtime ${runtime:-?} (linux-arm64), DOTNET_TieredCompilation=0 (FullOpts), DOTNET_JitDisasmDiffable=1; "
context+="src/ as of commit $(git -C "$ROOT" log -1 --format=%h -- src)$(git -C "$ROOT" diff --quiet HEAD -- src || echo ' plus uncommitted changes')."
IFS=, ; paths_arg="${RUN_PATHS[*]}"; unset IFS
"${COUNT[@]}" report --root "$DOCS" --paths "$paths_arg" "${METHOD_ARGS[@]}" --context "$context" > "$DOCS/SUMMARY.md"
rmdir "$DOCS"/* 2>/dev/null || true   # a path whose every listing equals its twin's
echo "wrote ${DOCS#"$ROOT"/}/SUMMARY.md"
sed -n '/^| kernel/,/^$/p' "$DOCS/SUMMARY.md"
exit "$FAILED"
