/* The crash report of the step harness (harness_crash.h). Everything a signal handler reaches
 * here uses write(2) and the harness's fixed arrays only: stdio and malloc are not
 * async-signal-safe (POSIX.1-2017, 2.4.3). */

#include "harness_crash.h"

#include <dlfcn.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

/* The test case a crash is reported for. One of the harness's two pieces of file-scope mutable
 * state (the other is the grading record's channel, harness_record.c), kept because there is no other way to reach the
 * test: a signal handler receives only the signal number (and the fault's address and registers), and a sanitizer's
 * death callback receives nothing at all. Set by harness_begin, reset by harness_end (and by harness_fail, so that a
 * leak report at exit is not blamed on the last step). */
static struct harness *running;

/* Present only when linked with a sanitizer runtime (the Sanitize build, etc/build_type.cmake). */
extern void __sanitizer_set_death_callback(void (*callback)(void)) __attribute__((weak));

static const struct {
    int sig;
    const char *what; /* the signal's name and glibc's strsignal() text */
} watched[] = {
    {SIGSEGV, "killed by SIGSEGV (Segmentation fault)"},
    {SIGBUS, "killed by SIGBUS (Bus error)"},
    {SIGFPE, "killed by SIGFPE (Floating point exception)"},
    {SIGILL, "killed by SIGILL (Illegal instruction)"},
    {SIGABRT, "killed by SIGABRT (Aborted)"},
};
#define WATCHED (sizeof watched / sizeof watched[0])

static void put(int fd, const char *s) {
    size_t len = strlen(s);
    while (len > 0) {
        ssize_t n = write(fd, s, len);
        if (n <= 0) {
            return; /* nothing better to do in a crash than to stop writing */
        }
        s += n;
        len -= (size_t)n;
    }
}

/* Writes `v` in decimal, right-aligned to `width` characters. */
static void put_u64(int fd, uint64_t v, unsigned width) {
    char buf[24];
    size_t i = sizeof buf - 1;
    buf[i] = '\0';
    do {
        buf[--i] = (char)('0' + v % 10);
        v /= 10;
    } while (v > 0);
    while (i > 0 && sizeof buf - 1 - i < width) {
        buf[--i] = ' ';
    }
    put(fd, buf + i);
}

void harness_write_history(const struct harness *h, int fd) {
    if (h->notes > 1) {
        unsigned shown = h->notes - 1 < HARNESS_HISTORY - 1 ? h->notes - 1 : HARNESS_HISTORY - 1;
        put(fd, "  the ");
        put_u64(fd, shown, 0);
        put(fd, shown == 1 ? " step before it, oldest first:\n" : " steps before it, oldest first:\n");
        for (unsigned i = h->notes - 1 - shown; i < h->notes - 1; i++) {
            unsigned slot = i % HARNESS_HISTORY;
            if (h->history_line[slot]) {
                put(fd, "    line ");
                put_u64(fd, (uint64_t)h->history_line[slot], 4);
                put(fd, ": ");
            } else {
                put(fd, "               ");
            }
            put(fd, h->history[slot]);
            put(fd, "\n");
        }
    }
    if (h->seeded) {
        put(fd, "  replay with SPONGE_SEED=");
        put_u64(fd, h->seed, 0);
        put(fd, "\n");
    }
}

/* "CRASH: <test>", what happened in which step, and the steps before it. */
static void write_crash_report(const struct harness *h, const char *what) {
    put(STDERR_FILENO, "CRASH: ");
    put(STDERR_FILENO, h->test_name ? h->test_name : "(unnamed test)");
    put(STDERR_FILENO, "\n  ");
    put(STDERR_FILENO, what);
    put(STDERR_FILENO, " in step ");
    put_u64(STDERR_FILENO, h->steps, 0);
    if (h->notes == 0) {
        put(STDERR_FILENO, ": (no step)\n");
        return;
    }
    unsigned last = (h->notes - 1) % HARNESS_HISTORY;
    if (h->history_line[last]) {
        put(STDERR_FILENO, " (line ");
        put_u64(STDERR_FILENO, (uint64_t)h->history_line[last], 0);
        put(STDERR_FILENO, ")");
    }
    put(STDERR_FILENO, ": ");
    put(STDERR_FILENO, h->history[last]);
    put(STDERR_FILENO, "\n");
    harness_write_history(h, STDERR_FILENO);
}

/* Installed with SA_RESETHAND | SA_NODEFER: the action is back to the default when this runs, so
 * raising the signal again ends the process as the crash would have, with the same status. */
static void on_fatal_signal(int sig) {
    const char *what = "killed by a fatal signal";
    for (size_t i = 0; i < WATCHED; i++) {
        if (watched[i].sig == sig) {
            what = watched[i].what;
        }
    }
    if (running) {
        put(STDERR_FILENO, "\n");
        write_crash_report(running, what);
    }
    raise(sig);
}

/* A sanitizer has printed its report and is about to end the process. */
static void on_sanitizer_death(void) {
    if (running) {
        write_crash_report(running, "a sanitizer report (above)");
    }
}

/* Whether h->signal_stack is at least the size the system asks a signal stack to have. */
static bool signal_stack_fits(const struct harness *h) {
#ifdef _SC_SIGSTKSZ
    long needed = sysconf(_SC_SIGSTKSZ);
#else
    long needed = SIGSTKSZ;
#endif
    return needed <= (long)sizeof h->signal_stack;
}

/* Has every sanitizer runtime call on_sanitizer_death before it ends the process. GCC links
 * -fsanitize=address,undefined as two shared runtimes, libasan and libubsan, each with its own
 * copy of the death callback: the symbol reaches libasan's, and libubsan's is looked up. */
static void set_death_callbacks(void) {
    if (!__sanitizer_set_death_callback) {
        return;
    }
    __sanitizer_set_death_callback(on_sanitizer_death);
    void *ubsan = dlopen("libubsan.so.1", RTLD_NOW | RTLD_NOLOAD);
    if (ubsan) {
        void (*set)(void (*)(void));
        *(void **)&set = dlsym(ubsan, "__sanitizer_set_death_callback"); /* POSIX's dlsym idiom */
        if (set) {
            set(on_sanitizer_death);
        }
        dlclose(ubsan);
    }
}

/* Whether the action of `sig` is the default or this file's (left by a test case on the same
 * struct harness that began again without ending). */
static bool ours_to_take(int sig) {
    struct sigaction old;
    return sigaction(sig, NULL, &old) == 0 && (old.sa_handler == SIG_DFL || old.sa_handler == on_fatal_signal);
}

void harness_crash_watch(struct harness *h) {
    h->outer = running != h ? running : NULL;
    running = h;
    set_death_callbacks();
    if (h->outer) {
        return; /* the outer test case's handlers and stack serve this one too */
    }
    if (ours_to_take(SIGSEGV) && signal_stack_fits(h)) {
        stack_t ss = {.ss_sp = h->signal_stack, .ss_size = sizeof h->signal_stack, .ss_flags = 0};
        h->own_signal_stack = sigaltstack(&ss, NULL) == 0;
    }
    for (size_t i = 0; i < WATCHED; i++) {
        if (!ours_to_take(watched[i].sig)) {
            continue; /* someone else's (a sanitizer's) handler: leave it */
        }
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = on_fatal_signal;
        sigemptyset(&sa.sa_mask);
        sa.sa_flags = SA_RESETHAND | SA_NODEFER | SA_ONSTACK;
        if (sigaction(watched[i].sig, &sa, NULL) == 0) {
            h->handlers |= 1u << watched[i].sig;
        }
    }
}

void harness_crash_unwatch(struct harness *h) {
    if (running != h) {
        return; /* not watched (already unwatched, or ended out of order) */
    }
    running = h->outer;
    for (size_t i = 0; i < WATCHED; i++) {
        if (h->handlers & (1u << watched[i].sig)) {
            signal(watched[i].sig, SIG_DFL);
        }
    }
    h->handlers = 0;
    if (h->own_signal_stack) {
        stack_t ss = {.ss_sp = NULL, .ss_size = 0, .ss_flags = SS_DISABLE};
        sigaltstack(&ss, NULL);
        h->own_signal_stack = false;
    }
}
