# libpcap: a required dependency (Debian package libpcap-dev), used by the adapters' packet
# captures (SPONGE_PCAP) and by udp_tcpdump.
find_path(PCAP_INCLUDE_DIR pcap/pcap.h)
find_library(PCAP_LIBRARY pcap)
if(NOT PCAP_INCLUDE_DIR OR NOT PCAP_LIBRARY)
    message(FATAL_ERROR "libpcap not found: install the Debian package libpcap-dev (etc/test_all.sh does)")
endif()
