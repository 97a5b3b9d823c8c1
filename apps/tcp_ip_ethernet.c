/* tcp_ip_ethernet: copies stdin to a TCP connection of ours and the connection to stdout, the
 * TCP segments carried in IPv4 datagrams in Ethernet frames: our NetworkInterface (with ARP)
 * on a TAP device, every datagram sent to the next hop (docs/labs/units.md section 2).
 *   tcp_ip_ethernet [-l] [-a ADDR] [-s PORT] [-t RTO] [-w WIN] [-d TAPDEV] [-g NEXT_HOP]
 *                   [-Lu RATE] [-Ld RATE] HOST PORT
 * Defaults: device tap10, our address 169.254.10.9, next hop 169.254.10.1 (the kernel's side
 * of tap10). Loss (-Lu/-Ld) applies to TCP segments, not to ARP. */
#include "adapters/tcp_app.h"

#include <signal.h>

int main(int argc, char **argv) {
    signal(SIGPIPE, SIG_IGN); /* a closed stdout is a write error, not a silent death */
    return tcp_app_main(argc, argv, TCP_APP_OVER_ETHERNET);
}
