#include "child_run.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

bool child_run(void (*fn)(void *arg), void *arg, struct child_result *r) {
    memset(r, 0, sizeof *r);
    int fds[2];
    if (pipe(fds) != 0) {
        fprintf(stderr, "child_run: pipe: %s\n", strerror(errno));
        return false;
    }
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) {
        fprintf(stderr, "child_run: fork: %s\n", strerror(errno));
        close(fds[0]);
        close(fds[1]);
        return false;
    }
    if (pid == 0) {
        struct rlimit no_core = {0, 0};
        setrlimit(RLIMIT_CORE, &no_core); /* a deliberate crash leaves no core file behind */
        close(fds[0]);
        dup2(fds[1], STDOUT_FILENO);
        dup2(fds[1], STDERR_FILENO);
        close(fds[1]);
        setvbuf(stdout, NULL, _IONBF, 0); /* nothing is lost in a buffer when the child dies */
        fn(arg);
        exit(0);
    }
    close(fds[1]);
    for (;;) {
        ssize_t n = read(fds[0], r->output + r->len, sizeof r->output - 1 - r->len);
        if (n > 0) {
            r->len += (size_t)n;
            if (r->len == sizeof r->output - 1) {
                char drop[4096];
                while (read(fds[0], drop, sizeof drop) > 0) {
                }
                break;
            }
        } else if (n == 0 || errno != EINTR) {
            break;
        }
    }
    r->output[r->len] = '\0';
    close(fds[0]);
    while (waitpid(pid, &r->status, 0) < 0 && errno == EINTR) {
    }
    return true;
}

bool child_killed_by(const struct child_result *r, int sig) {
    return WIFSIGNALED(r->status) && WTERMSIG(r->status) == sig;
}

bool child_exited_with(const struct child_result *r, int code) {
    return WIFEXITED(r->status) && WEXITSTATUS(r->status) == code;
}
