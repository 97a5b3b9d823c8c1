/* tcp_ipv4: copies stdin to a TCP connection of ours and the connection to stdout, the TCP
 * segments carried in IPv4 datagrams on a TUN device (docs/labs/units.md section 2). */
#include "adapters/tcp_app.h"

#include <signal.h>

int main(int argc, char **argv) {
    signal(SIGPIPE, SIG_IGN); /* a closed stdout is a write error, not a silent death */
    return tcp_app_main(argc, argv, TCP_APP_OVER_IPV4);
}
