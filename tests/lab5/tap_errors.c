/* The TAP adapter's refusals: each gives its error code and one line that says what is wrong.
 * Nothing here creates a device or sends a frame (attaching fails before either). */

#include "adapters/tap.h"
#include "harness.h"

#include <string.h>
#include <sys/stat.h>

static void expect_why(struct harness *h, const char *why, const char *part) {
    harness_note(h, "why: %s", why);
    EXPECT_TRUE(h, "the explanation names the problem", strstr(why, part) != NULL);
    EXPECT_TRUE(h, "the explanation is one line", why[0] != '\0' && strchr(why, '\n') == NULL);
}

int main(void) {
    struct harness h;
    harness_begin(&h, "tap: refusals [L5.R16]");
    char why[256] = "";
    int fd = -1;

    STEP(&h, "a name longer than 15 characters");
    EXPECT_EQ(&h, "result", SPONGE_ERR_INVALID_ARGUMENT,
              tap_open("tap-name-far-too-long", TAP_CREATE_OR_ATTACH, &fd, why, sizeof why));
    expect_why(&h, why, "bad TAP device name");
    STEP(&h, "an empty name");
    EXPECT_EQ(&h, "result", SPONGE_ERR_INVALID_ARGUMENT, tap_open("", TAP_ATTACH, &fd, why, sizeof why));

    STEP(&h, "attach to a device that does not exist");
    EXPECT_EQ(&h, "result", SPONGE_ERR_SYSTEM, tap_open("sponge-nodev9", TAP_ATTACH, &fd, why, sizeof why));
    expect_why(&h, why, "TAP device sponge-nodev9 does not exist (create it: ip tuntap add mode tap sponge-nodev9)");

    STEP(&h, "wait for a device that does not exist");
    EXPECT_EQ(&h, "result", SPONGE_ERR_SYSTEM, tap_wait_running("sponge-nodev9", 50, why, sizeof why));
    expect_why(&h, why, "sponge-nodev9");

    /* The loopback device exists in every namespace and is not a TAP; the kernel refuses it
     * before creating or changing anything. Without the driver the open fails first. */
    struct stat st;
    STEP(&h, "attach to lo, which is not a TAP device");
    EXPECT_EQ(&h, "result", SPONGE_ERR_SYSTEM, tap_open("lo", TAP_ATTACH, &fd, why, sizeof why));
    if (stat("/dev/net/tun", &st) != 0) {
        expect_why(&h, why, "no /dev/net/tun");
    } else if (strstr(why, "no permission") == NULL) { /* unprivileged: refused earlier */
        expect_why(&h, why, "device lo exists but is not a TAP device");
    }
    EXPECT_EQ(&h, "fd untouched", -1, fd);
    return harness_end(&h);
}
