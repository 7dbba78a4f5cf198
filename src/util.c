/*
 * util.c -- status names, error messages, checked allocation, the cache size.
 *
 * Errors live in a caller-owned ow_error, never in a global: a failing call
 * formats its message there and returns the status it also records.
 */
#include "internal.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <unistd.h>

const char *ow_status_str(ow_status s)
{
    switch (s) {
    case OW_OK: return "success";
    case OW_EINPUT: return "bad input";
    case OW_ETOOBIG: return "too large";
    case OW_EIO: return "input/output error";
    case OW_ENOMEM: return "out of memory";
    case OW_ENUMERIC: return "numerical failure";
    case OW_EINTERNAL: return "internal error";
    case OW_EAUTH: return "unauthorized";
    case OW_EFORBIDDEN: return "forbidden";
    case OW_ENOTFOUND: return "not found";
    case OW_ESTATE: return "out of order";
    case OW_ECORRUPT: return "corrupt ledger";
    }
    return "unknown status";
}

ow_status ow__fail(ow_error *err, ow_status s, const char *fmt, ...)
{
    if (err) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err->msg, sizeof err->msg, fmt, ap);
        va_end(ap);
        err->status = s;
    }
    return s;
}

void *ow__malloc(size_t n, size_t size, ow_error *err)
{
    if (n == 0) n = 1;
    if (size && n > SIZE_MAX / size) {
        ow__fail(err, OW_ETOOBIG, "allocation of %zu x %zu bytes overflows", n, size);
        return NULL;
    }
    void *p = calloc(n, size);
    if (!p) ow__fail(err, OW_ENOMEM, "out of memory allocating %zu x %zu bytes", n, size);
    return p;
}

char *ow__strdup(const char *s)
{
    size_t l = strlen(s) + 1;
    char *d = malloc(l);
    if (d) memcpy(d, s, l);
    return d;
}

uint64_t ow__mix64(uint64_t x)
{
    /* splitmix64 finaliser: a bijection that spreads nearby seeds apart */
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

const char *ow_model_name(ow_model m)
{
    return m == OW_MODEL_BAYES ? "bayes" : "paper";
}

int ow_model_parse(const char *s)
{
    if (!s) return -1;
    if (!strcmp(s, "paper")) return OW_MODEL_PAPER;
    if (!strcmp(s, "bayes")) return OW_MODEL_BAYES;
    return -1;
}

/* The last-level cache one core can use, in bytes (0: unknown): sysfs's
 * index3 of cpu 0 (what a virtual machine is given), else glibc's
 * sysconf, which on some processors reports the whole socket's L3.  Read
 * once per process (a sweep solves many times). */
static size_t llc_bytes;
static pthread_once_t llc_once = PTHREAD_ONCE_INIT;

static void llc_read(void)
{
    size_t b = 0;
    FILE *f = fopen("/sys/devices/system/cpu/cpu0/cache/index3/size", "r");
    if (f) {
        unsigned long v = 0;
        char unit = 0;
        if (fscanf(f, "%lu%c", &v, &unit) >= 1)
            b = (size_t)v * (unit == 'K' ? 1024u : unit == 'M' ? 1048576u : 1u);
        fclose(f);
    }
#ifdef _SC_LEVEL3_CACHE_SIZE
    if (!b) { long c = sysconf(_SC_LEVEL3_CACHE_SIZE); b = c > 0 ? (size_t)c : 0; }
#endif
    llc_bytes = b;
}

size_t ow__llc_bytes(void)
{
    pthread_once(&llc_once, llc_read);
    return llc_bytes;
}
