#!/bin/bash
# The namespace runner (etc/topology_run.sh) on etc/topologies/lab6.topo: up, checked (ping,
# traceroute, curl and our TCP across the longest paths), counted, drawn and torn down.
# Exit 77 (skipped) without root or network namespaces.
# rules: L7.R4 L7.R11
src="${SPONGE_SRC:-$(dirname "$0")/../..}"
exec bash "$src/etc/topology_run.sh" "$src/etc/topologies/lab6.topo"
