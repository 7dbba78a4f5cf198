/* common.h -- what every command of the CLI shares: how usage errors and
 * library errors are shown and what exit status they give (spec cli.md:
 * 2 for bad usage or input, 1 for anything else), and reading counts. */
#ifndef OW_CLI_COMMON_H
#define OW_CLI_COMMON_H

#include "oneway.h"
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <math.h>

/* "oneway: <fmt with arg>" and a pointer to --help on stderr; returns 2 */
static inline int cli_usage(const char *fmt, const char *arg)
{
    fprintf(stderr, "oneway: ");
    fprintf(stderr, fmt, arg);
    fprintf(stderr, "\nTry 'oneway --help'.\n");
    return 2;
}

/* 1 when an MPI launcher (mpirun, mpiexec, srun) started this process */
static inline int cli_under_mpi(void)
{
    return getenv("PMI_RANK") || getenv("OMPI_COMM_WORLD_RANK") || getenv("PMIX_RANK") || getenv("PMI_SIZE");
}

/* the exit status for a library error */
static inline int cli_status(ow_status s)
{
    return (s == OW_EINPUT || s == OW_ETOOBIG || s == OW_EIO) ? 2 : 1;
}

/* a non-negative whole number, all of s; 0 or -1 */
static inline int cli_u64(const char *s, uint64_t *out)
{
    if (!s || !*s || *s == '-') return -1;
    char *e;
    errno = 0;
    unsigned long long v = strtoull(s, &e, 10);
    if (errno || *e) return -1;
    *out = v;
    return 0;
}

/* comma-separated finite numbers, all of s, into x[0..max-1]; returns
 * their count, -1 for bad syntax (an empty item, a trailing comma, a
 * non-number) or -2 for more than max */
static inline long cli_numbers(const char *s, double *x, size_t max)
{
    size_t n = 0;
    const char *p = s;
    while (*p) {
        char *e;
        errno = 0;
        double v = strtod(p, &e);
        if (e == p || errno || !isfinite(v)) return -1;
        if (n == max) return -2;
        x[n++] = v;
        p = e;
        if (*p == ',') { p++; if (!*p) return -1; }
        else if (*p) return -1;
    }
    return (long)n;
}

#endif
