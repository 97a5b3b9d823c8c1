#!/bin/bash
# The namespace runner (etc/topology_run.sh) on etc/topologies/mtu576.topo: up, checked (ping,
# traceroute, curl and our TCP across the longest paths), counted, drawn and torn down.
# Needs router fragmentation or ICMP Fragmentation Needed (RFC 1191) in our Router for the
# 1 MiB transfers across the MTU-576 link. Exit 77 (skipped) without root or network namespaces.
# rules: L7.R4 L7.R8 L7.R11
src="${SPONGE_SRC:-$(dirname "$0")/../..}"
exec bash "$src/etc/topology_run.sh" "$src/etc/topologies/mtu576.topo"
