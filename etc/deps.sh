# shellcheck shell=bash
# Sourced (not run) by etc/test_all.sh, etc/main_job.sh and .ci/run, from the repository root.
# Installs the Debian 12 packages the build and the tests need, and builds quietly: the
# output of apt and cmake goes to a log file and is shown only when a step fails.

# What the build, the tests and the tools need: compilers and cmake (clang and
# libclang-rt-14-dev: the libFuzzer runtime for etc/fuzz.sh); clang-format for
# format-check; python3 (http.server), socat, curl, iputils-ping (kernel-side peers in
# tests); iproute2 and util-linux (ip, unshare: private network namespaces); libpcap-dev (udp_tcpdump);
# tshark (decoding captures); procps and coreutils (ps, kill, timeout, sha256sum); python3-scapy
# (the hostile peer of tests/lab4/hostile_*.sh, run with Debian's /usr/bin/python3); traceroute
# (tests/lab7/router_icmp.sh, etc/topology_run.sh); valgrind (tests/framework/valgrind_apps.sh); gnuplot-nox
# (bench/wan.sh's congestion-control figures); graphviz (the topology pictures of etc/topology_run.sh);
# ninja-build (etc/mutant_check.sh rebuilds once per planted bug: Ninja's rebuilds cost far less than make's).
SPONGE_PACKAGES=(build-essential cmake clang-format clang libclang-rt-14-dev python3 python3-scapy socat curl
    iputils-ping iproute2 libpcap-dev tshark procps util-linux coreutils traceroute valgrind gnuplot-nox graphviz
    ninja-build)

# What only the benchmarks of etc/main_job.sh need: the lwIP anchor that bench/tun.sh builds to
# compare against (without these it leaves out the lwIP rows, said on one line).
SPONGE_BENCH_PACKAGES=(liblwip-dev libssl-dev pkg-config)

# sponge_quiet LOG COMMAND...: runs COMMAND with its output appended to LOG; if it fails,
# shows the last 40 lines of that output and returns its status.
sponge_quiet() {
    local log=$1 start status
    shift
    start=$(($(wc -l <"$log") + 1))
    "$@" >>"$log" 2>&1 </dev/null
    status=$?
    if [ "$status" -ne 0 ]; then
        echo "FAILED ($status): $*  (output below, all of it in $log)" >&2
        tail -n +"$start" "$log" | tail -n 40 >&2
    fi
    return "$status"
}

# sponge_install_deps LOG: installs whichever of SPONGE_PACKAGES are missing (root only;
# apt-get update once, and only when something is missing).
sponge_install_deps() {
    local log=$1 pkg missing=()
    for pkg in "${SPONGE_PACKAGES[@]}"; do
        if [ "$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null)" != "install ok installed" ]; then
            missing+=("$pkg")
        fi
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null; then
        echo "missing Debian packages: ${missing[*]} (run as root on Debian 12 to install them)" >&2
        return 1
    fi
    echo "installing Debian packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    # tshark's wireshark-common would otherwise ask whether non-root users may capture.
    echo "wireshark-common wireshark-common/install-setuid boolean false" | debconf-set-selections
    sponge_quiet "$log" apt-get update &&
        sponge_quiet "$log" apt-get install -y --no-install-recommends "${missing[@]}"
}

# sponge_build DIR TYPE LOG: configures DIR with CMAKE_BUILD_TYPE=TYPE and builds everything.
sponge_build() {
    local dir=$1 type=$2 log=$3
    echo "building $type in $dir/"
    sponge_quiet "$log" cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE="$type" &&
        sponge_quiet "$log" make --no-print-directory -C "$dir" -j"${SPONGE_JOBS:-2}"
}

# sponge_setup NAME: installs what is missing and builds Release in build/, logging to build/NAME.log.
sponge_setup() {
    local log=build/$1.log
    mkdir -p build && : >"$log" && sponge_install_deps "$log" && sponge_build build Release "$log"
}
