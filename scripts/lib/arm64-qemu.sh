# Sourced by scripts/test.sh and scripts/arm64-disasm.sh: what running EdgeConv's linux-arm64
# publish under qemu-aarch64-static on this x86-64 machine needs (docs/TESTING.md, "The ARM64 sysroot").
#
# The caller sets before sourcing:  CACHE (the cache folder; the sysroot is $CACHE/arm64-sysroot)
# and before calling ensure_arm64_prereqs:  LOGS (a folder for apt-install.log).
# Optional:  ARM64_PREPARE_COMMAND (what a non-root user is told to run with sudo),
#            ARM64_PREREQ_HINT (one more line for that message).
# Defines:   SYSROOT, ARM64_QEMU_ENV, ARM64_HOST_PACKAGES, ARM64_SYSROOT_PACKAGES,
#            say_run, pkg_installed, sysroot_ready, ensure_arm64_prereqs.

SYSROOT="$CACHE/arm64-sysroot"

# Every run under qemu has W^X off: .NET's W^X writes code through a second (memfd) mapping,
# which qemu-user does not see, so it keeps running stale translated code and the test process
# dies at random (SIGSEGV, or NullReferenceException in code that has none) once the suite is
# bigger than a smoke test (dotnet/runtime#94909). It changes how code is written, not what the
# JIT generates.
ARM64_QEMU_ENV="DOTNET_EnableWriteXorExecute=0"

# Debian packages that running arm64 code needs on the host, and arm64 packages unpacked into the sysroot.
ARM64_HOST_PACKAGES=(qemu-user-static libc6-arm64-cross libstdc++6-arm64-cross libgcc-s1-arm64-cross)
ARM64_SYSROOT_PACKAGES=(libssl3:arm64 libicu72:arm64)

say_run() { echo "+ $*"; "$@"; }
pkg_installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }
sysroot_ready() { [[ -f $SYSROOT/.complete && $(cat "$SYSROOT/.complete") == "${ARM64_SYSROOT_PACKAGES[*]}" ]]; }

# Installs the host packages and builds the sysroot, each only when missing, with at most one
# apt-get update (and none when nothing is missing). Needs root for that; says why on failure.
ensure_arm64_prereqs() {
  local missing=() p need_sysroot=0
  for p in "${ARM64_HOST_PACKAGES[@]}"; do pkg_installed "$p" || missing+=("$p"); done
  sysroot_ready || need_sysroot=1
  if [[ ${#missing[@]} == 0 && $need_sysroot == 0 ]]; then
    echo "arm64 prerequisites: present (sysroot $SYSROOT)"
    return 0
  fi
  if [[ $(id -u) != 0 ]]; then
    echo "Running ARM64 code under qemu needs what this user (not root) cannot install:" >&2
    [[ ${#missing[@]} == 0 ]] || echo "  Debian packages: ${missing[*]}" >&2
    [[ $need_sysroot == 0 ]] || echo "  the arm64 sysroot $SYSROOT" >&2
    echo "Install them once with:  sudo EDGECONV_CACHE='$CACHE' ${ARM64_PREPARE_COMMAND:-./scripts/test.sh --prepare-only}" >&2
    [[ -z ${ARM64_PREREQ_HINT:-} ]] || echo "$ARM64_PREREQ_HINT" >&2
    return 1
  fi
  # Called from an `if`, where set -e is off: every step checks its own status.
  export DEBIAN_FRONTEND=noninteractive
  if [[ $need_sysroot == 1 ]] && ! dpkg --print-foreign-architectures | grep -qx arm64; then
    say_run dpkg --add-architecture arm64 || return 1
  fi
  say_run apt-get update -qq || return 1
  if [[ ${#missing[@]} != 0 ]]; then
    echo "+ apt-get install -y --no-install-recommends ${missing[*]}  (log: $LOGS/apt-install.log)"
    if ! apt-get install -y -q --no-install-recommends "${missing[@]}" > "$LOGS/apt-install.log" 2>&1; then
      cat "$LOGS/apt-install.log" >&2
      return 1
    fi
  fi
  if [[ $need_sysroot == 1 ]]; then
    # The arm64 glibc/libstdc++/libgcc of the -cross packages, plus OpenSSL and ICU (the runtime
    # loads them), unpacked with dpkg -x, never installed (docs/TESTING.md).
    local tmp deb
    tmp=$(mktemp -d) || return 1
    chown _apt "$tmp" 2>/dev/null || true # lets apt download sandboxed, without a warning
    (cd "$tmp" && say_run apt-get download -qq "${ARM64_SYSROOT_PACKAGES[@]}") || { rm -rf "$tmp"; return 1; }
    for p in "${ARM64_SYSROOT_PACKAGES[@]}"; do
      deb=$(compgen -G "$tmp/${p%%:*}_*_arm64.deb" | head -n 1)
      if [[ -z $deb ]] || ! dpkg -x "$deb" "$tmp/root"; then
        echo "could not download or unpack $p" >&2
        rm -rf "$tmp"
        return 1
      fi
    done
    echo "+ assembling $SYSROOT/lib from /usr/aarch64-linux-gnu/lib and the unpacked usr/lib/aarch64-linux-gnu"
    rm -rf "$SYSROOT.tmp" && mkdir -p "$SYSROOT.tmp/lib" &&
      cp -a /usr/aarch64-linux-gnu/lib/. "$SYSROOT.tmp/lib/" &&
      cp -a "$tmp/root/usr/lib/aarch64-linux-gnu/." "$SYSROOT.tmp/lib/" &&
      rm -rf "$SYSROOT" && mv "$SYSROOT.tmp" "$SYSROOT" &&
      echo "${ARM64_SYSROOT_PACKAGES[*]}" > "$SYSROOT/.complete" || { rm -rf "$tmp"; return 1; }
    rm -rf "$tmp"
  fi
  command -v qemu-aarch64-static >/dev/null || { echo "qemu-aarch64-static is not on PATH after the install" >&2; return 1; }
  echo "arm64 prerequisites: installed (sysroot $SYSROOT)"
}
