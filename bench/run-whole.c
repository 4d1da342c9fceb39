/*
 * Runs a command several times as a whole process and prints the medians
 * of its wall time and of its CPU time (user plus system, from wait4's
 * rusage, to the microsecond), and its largest peak resident memory:
 * "WALL-MS CPU-MS MIB". scripts/bench-whole.sh times chancery and the
 * sqlite3 CLI with it. The CPU time is the steadier figure on a shared
 * machine: the wall time of a run grows with the other jobs' load, its CPU
 * time hardly. The command's output goes to /dev/null; a run that fails
 * stops the measure (exit 1).
 *
 * usage: run-whole N CMD [ARG]...
 */
#include <sys/resource.h>
#include <sys/wait.h>

#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include "timing.h"

#define MAX_RUNS 101

/* One run: its wall and CPU milliseconds and peak KiB; 0 on success. */
static int run(char **argv, double *wall, double *cpu, long *kib)
{
    struct rusage ru;
    int status, fd;
    double t0 = now_ms();
    pid_t pid = fork();

    if (pid < 0)
        return 1;
    if (pid == 0) {
        fd = open("/dev/null", O_WRONLY);
        if (fd >= 0)
            dup2(fd, STDOUT_FILENO);
        execvp(argv[0], argv);
        _exit(127);
    }
    if (wait4(pid, &status, 0, &ru) != pid)
        return 1;
    *wall = now_ms() - t0;
    *cpu = (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e3 +
           (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e3;
    *kib = ru.ru_maxrss;
    return !WIFEXITED(status) || WEXITSTATUS(status) != 0;
}

int main(int argc, char **argv)
{
    double wall[MAX_RUNS], cpu[MAX_RUNS];
    long kib, most = 0;
    char *end;
    long n = argc > 2 ? strtol(argv[1], &end, 10) : 0;

    if (argc < 3 || *end || n < 1 || n > MAX_RUNS) {
        fprintf(stderr, "usage: run-whole N CMD [ARG]...\n");
        return 2;
    }
    for (long i = 0; i < n; i++) {
        if (run(argv + 2, &wall[i], &cpu[i], &kib)) {
            fprintf(stderr, "run-whole: %s failed\n", argv[2]);
            return 1;
        }
        if (kib > most)
            most = kib;
    }
    printf("%.1f %.1f %.0f\n", median(wall, (int)n), median(cpu, (int)n),
           most / 1024.0);
    return 0;
}
