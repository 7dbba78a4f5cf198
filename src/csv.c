/*
 * csv.c -- reading {"csv": FILE} samples fast and into little memory.
 *
 * The file is split into one byte range per thread (cut at line ends);
 * each thread reads its range in chunks with pread and parses numbers with
 * an exact fast path (Clinger: up to 15 significant digits and a power of
 * ten up to 22 is one correctly rounded IEEE operation; anything else goes
 * to strtod), so the result is bit for bit what strtod gives.  Each row is
 * reduced at once to what the engine needs (finite.c): its maximum M_i,
 * its Nash action, the column sums, and for each action the entries
 * Delta_A = M_i - u_A(a, i) <= tau_a.  The sample matrix itself is never
 * held, so a game needs memory for the kept entries only.
 *
 * Errors carry the file's line number, counted only when an error occurs.
 */
#include "internal.h"
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#ifdef _OPENMP
#include <omp.h>
#endif

#define CHUNK (16u << 20)      /* bytes read at a time by a thread */
#define LIST0 1024             /* first capacity of a kept list */

/* A thread's kept entries of one action, in row order.  Lists grow by
 * doubling with realloc, which moves large blocks by remapping pages
 * (mremap), not by copying; thread 0's lists become the final arrays, so
 * most entries are written once and their pages faulted in once. */
typedef struct list { double *d; uint32_t *r; size_t n, cap; } list;

typedef struct part {
    off_t from, to;            /* byte range [from, to) */
    size_t rows;
    list *kept;                /* per action */
    double *colsum;
    double *M; uint32_t *sN; size_t cap;
    int header;                /* 1: this part starts with a header line */
    ow_status st;
    off_t err_at;              /* byte offset of the error */
    char msg[512];
} part;

static const double p10[] = { 1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
                              1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22 };

/* parse one number in [p, end); returns the end of the token or NULL */
static inline __attribute__((always_inline)) const char *parse_num(const char *p, const char *end, double *out)
{
    const char *s = p;
    int neg = 0;
    if (p < end && (*p == '-' || *p == '+')) { neg = *p == '-'; p++; }
    const char *d0 = p;
    uint64_t mant = 0;
    while (p < end && (unsigned)(*p - '0') < 10u) { mant = mant * 10 + (uint64_t)(*p - '0'); p++; }
    long nd = p - d0, nfrac = 0;
    if (p < end && *p == '.') {
        const char *f0 = ++p;
        while (p < end && (unsigned)(*p - '0') < 10u) { mant = mant * 10 + (uint64_t)(*p - '0'); p++; }
        nfrac = p - f0;
        nd += nfrac;
    }
    if (nd == 0) return NULL;
    long exp10 = -nfrac;
    if (p < end && (*p == 'e' || *p == 'E')) {
        const char *q = p + 1;
        int eneg = 0;
        long e = 0, ed = 0;
        if (q < end && (*q == '-' || *q == '+')) { eneg = *q == '-'; q++; }
        while (q < end && (unsigned)(*q - '0') < 10u) { if (e < 100000) e = e * 10 + (*q - '0'); q++; ed++; }
        if (!ed) return NULL;
        exp10 += eneg ? -e : e;
        p = q;
    }
    /* up to 19 digits cannot overflow; the fast path needs an exact double
     * mantissa (<= 2^53) and an exact power of ten (<= 10^22) */
    if (nd <= 19) {
        if (mant == 0) { *out = neg ? -0.0 : 0.0; return p; }
        if (mant <= (1ull << 53) && exp10 >= -22 && exp10 <= 22) {
            double v = (double)mant;
            v = exp10 < 0 ? v / p10[-exp10] : v * p10[exp10];
            *out = neg ? -v : v;
            return p;
        }
    }
    char buf[128];
    size_t len = (size_t)(p - s);
    if (len >= sizeof buf) return NULL;
    memcpy(buf, s, len);
    buf[len] = 0;
    char *e;
    double v = strtod(buf, &e);
    if (*e) return NULL;
    *out = v;
    return p;
}

const char *ow__parse_number(const char *p, const char *end, double *out)
{
    return parse_num(p, end, out);
}

static int grow(list *l, size_t cap)
{
    double *d = realloc(l->d, cap * sizeof *d);
    if (!d) return -1;
    l->d = d;
    uint32_t *r = realloc(l->r, cap * sizeof *r);
    if (!r) return -1;
    l->r = r;
    l->cap = cap;
    return 0;
}

static inline int push(part *pt, size_t a, double d, uint32_t r)
{
    list *l = &pt->kept[a];
    if (l->n == l->cap && grow(l, l->cap ? 2 * l->cap : LIST0)) return -1;
    l->d[l->n] = d;
    l->r[l->n++] = r;
    return 0;
}

static void fail_at(part *pt, off_t at, ow_status st, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void fail_at(part *pt, off_t at, ow_status st, const char *fmt, ...)
{
    if (pt->st) return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(pt->msg, sizeof pt->msg, fmt, ap);
    va_end(ap);
    pt->st = st;
    pt->err_at = at;
}

/* one line [p, le) at file offset off; returns 0 or -1 (error recorded) */
static int row(const ow_game *g, const double *tau, part *pt, const char *p, const char *le,
               off_t off, double *u)
{
    size_t m = g->m;
    const char *q = p;
    for (size_t a = 0; a < m; a++) {
        while (q < le && (*q == ' ' || *q == '\t')) q++;          /* blanks around numbers are allowed */
        const char *e = parse_num(q, le, &u[a]);
        while (e && e < le && (*e == ' ' || *e == '\t')) e++;
        if (!e || (e < le && *e != ',')) {
            const char *fe = q;
            while (fe < le && *fe != ',') fe++;
            fail_at(pt, off, OW_EINPUT, "column %zu: expected a number, found \"%.*s\"", a + 1,
                    (int)(fe - q > 30 ? 30 : fe - q), q);
            return -1;
        }
        if (!isfinite(u[a])) { fail_at(pt, off, OW_EINPUT, "column %zu: expected a finite number", a + 1); return -1; }
        if (a + 1 < m) {
            if (e >= le) { fail_at(pt, off, OW_EINPUT, "expected %zu numbers (one per A action), found %zu", m, a + 1); return -1; }
            q = e + 1;
        } else if (e != le) {
            fail_at(pt, off, OW_EINPUT, "expected %zu numbers (one per A action), found more", m);
            return -1;
        }
    }
    size_t sn = 0;
    for (size_t a = 1; a < m; a++) if (u[a] > u[sn]) sn = a;
    double M = u[sn];
    if (pt->rows == pt->cap) {
        size_t c = pt->cap ? 2 * pt->cap : 65536;
        double *nm = realloc(pt->M, c * sizeof *nm);
        if (!nm) { fail_at(pt, off, OW_ENOMEM, "out of memory"); return -1; }
        pt->M = nm;
        uint32_t *ns = realloc(pt->sN, c * sizeof *ns);
        if (!ns) { fail_at(pt, off, OW_ENOMEM, "out of memory"); return -1; }
        pt->sN = ns;
        pt->cap = c;
    }
    if (pt->rows >= UINT32_MAX) { fail_at(pt, off, OW_ETOOBIG, "more than %u samples", UINT32_MAX); return -1; }
    uint32_t r = (uint32_t)pt->rows;
    pt->M[r] = M;
    pt->sN[r] = (uint32_t)sn;
    pt->rows++;
    for (size_t a = 0; a < m; a++) {
        pt->colsum[a] += u[a];
        double d = M - u[a];
        if (d <= tau[a] && push(pt, a, d, r)) { fail_at(pt, off, OW_ENOMEM, "out of memory"); return -1; }
    }
    return 0;
}

static int header_ok(const ow_game *g, part *pt, const char *p, const char *le)
{
    size_t i = 0;
    const char *f = p;
    for (;;) {
        const char *c = memchr(f, ',', (size_t)(le - f));
        const char *fe = c ? c : le;
        if (i >= g->m || (size_t)(fe - f) != strlen(g->a_names[i]) || memcmp(f, g->a_names[i], (size_t)(fe - f))) {
            fail_at(pt, 0, OW_EINPUT, "header does not match A's actions: expected \"%s\" in column %zu, found \"%.*s\"",
                    i < g->m ? g->a_names[i] : "(end of line)", i + 1, (int)(fe - f > 40 ? 40 : fe - f), f);
            return -1;
        }
        i++;
        if (!c) break;
        f = c + 1;
    }
    if (i != g->m) { fail_at(pt, 0, OW_EINPUT, "header names %zu actions, A has %zu", i, g->m); return -1; }
    return 0;
}

/* does the file hold only line ends from offset `at` on? */
static int blank_rest(int fd, off_t at, off_t size)
{
    char b[65536];
    while (at < size) {
        ssize_t n = pread(fd, b, sizeof b, at);
        if (n <= 0) return 1;
        for (ssize_t i = 0; i < n; i++) if (b[i] != '\n' && b[i] != '\r') return 0;
        at += n;
    }
    return 1;
}

static void parse_part(const ow_game *g, const double *tau, int fd, off_t size, part *pt)
{
    size_t m = g->m;
    char *buf = malloc(CHUNK + 1);
    double *u = malloc(m * sizeof *u);
    if (!buf || !u) { fail_at(pt, pt->from, OW_ENOMEM, "out of memory"); goto out; }
    off_t pos = pt->from;
    size_t have = 0;               /* bytes carried over in buf */
    int first = pt->header;
    while (pos < pt->to || have) {
        size_t want = CHUNK - have;
        if ((off_t)want > pt->to - pos) want = (size_t)(pt->to - pos);
        ssize_t n = 0;
        if (want) {
            n = pread(fd, buf + have, want, pos);
            if (n < 0) { fail_at(pt, pos, OW_EIO, "read failed: %s", strerror(errno)); goto out; }
        }
        off_t base = pos - (off_t)have;     /* file offset of buf[0] */
        pos += n;
        size_t len = have + (size_t)n;
        int last = pos >= pt->to;
        char *p = buf, *end = buf + len;
        for (;;) {
            char *nl = memchr(p, '\n', (size_t)(end - p));
            if (!nl) {
                if (!last) break;
                if (p == end) break;
                nl = end;                   /* final line without '\n' */
            }
            char *le = nl;
            if (le > p && le[-1] == '\r') le--;
            off_t off = base + (p - buf);
            if (le == p) {
                if (!blank_rest(fd, off, size)) { fail_at(pt, off, OW_EINPUT, "empty line in the samples"); goto out; }
                pos = pt->to; have = 0; goto out;
            }
            if (first) {
                first = 0;
                char c0 = *p;
                if (!((c0 >= '0' && c0 <= '9') || c0 == '-' || c0 == '+' || c0 == '.')) {
                    if (header_ok(g, pt, p, le)) goto out;
                    p = nl + (nl < end);
                    continue;
                }
            }
            if (row(g, tau, pt, p, le, off, u)) goto out;
            p = nl + (nl < end);
            if (nl == end) break;
        }
        have = (size_t)(end - p);
        if (have == CHUNK) { fail_at(pt, base, OW_EINPUT, "a line longer than %u bytes", CHUNK); goto out; }
        memmove(buf, p, have);
        if (last && have == 0) break;
        if (last && have) {
            /* the range ended inside a line: cannot happen with cuts at '\n' */
            if (pos >= size) continue;
            break;
        }
    }
out:
    free(buf);
    free(u);
}

static size_t line_of(int fd, off_t at)
{
    char b[65536];
    size_t line = 1;
    off_t pos = 0;
    while (pos < at) {
        size_t want = sizeof b;
        if ((off_t)want > at - pos) want = (size_t)(at - pos);
        ssize_t n = pread(fd, b, want, pos);
        if (n <= 0) break;
        for (ssize_t i = 0; i < n; i++) line += b[i] == '\n';
        pos += n;
    }
    return line;
}

ow_status ow__csv_load(ow_game *g, const char *file, const char *label, const char *path, ow_error *err)
{
    int fd = open(file, O_RDONLY);
    if (fd < 0) return ow__fail(err, OW_EIO, "%s: %s: cannot open CSV file %s: %s", label, path, file, strerror(errno));
    struct stat st;
    if (fstat(fd, &st) || !S_ISREG(st.st_mode)) { close(fd); return ow__fail(err, OW_EIO, "%s: %s: %s is not a regular file", label, path, file); }
    off_t size = st.st_size;
    size_t m = g->m;
    int nt = 1;
#ifdef _OPENMP
    nt = omp_get_max_threads();
#endif
    if (size < (off_t)(1 << 20)) nt = 1;
    part *pt = calloc((size_t)nt, sizeof *pt);
    double *tau = malloc(m * sizeof *tau);
    ow_status s = OW_OK;
    if (!pt || !tau) { s = ow__fail(err, OW_ENOMEM, "out of memory"); goto out; }
    ow__thresholds(g, tau);
    /* cut points after line ends */
    for (int t = 0; t < nt; t++) {
        off_t c = size * t / nt;
        if (t > 0) {
            char b[4096];
            for (;;) {
                ssize_t n = pread(fd, b, sizeof b, c);
                if (n <= 0) { c = size; break; }
                char *nl = memchr(b, '\n', (size_t)n);
                if (nl) { c += nl - b + 1; break; }
                c += n;
            }
        }
        pt[t].from = c;
        if (t > 0) pt[t - 1].to = c;
        pt[t].header = t == 0;
    }
    pt[nt - 1].to = size;
    for (int t = 0; t < nt; t++) {
        pt[t].kept = calloc(m, sizeof *pt[t].kept);
        pt[t].colsum = calloc(m, sizeof *pt[t].colsum);
        if (!pt[t].kept || !pt[t].colsum) { s = ow__fail(err, OW_ENOMEM, "out of memory"); goto out; }
    }
        #pragma omp parallel for schedule(static, 1) num_threads(nt)
    for (int t = 0; t < nt; t++) parse_part(g, tau, fd, size, &pt[t]);
    for (int t = 0; t < nt; t++)
        if (pt[t].st) {
            if (pt[t].st == OW_EINPUT)
                s = ow__fail(err, OW_EINPUT, "%s:%zu: %s", file, line_of(fd, pt[t].err_at), pt[t].msg);
            else
                s = ow__fail(err, pt[t].st, "%s: %s", file, pt[t].msg);
            goto out;
        }
    size_t N = 0;
    for (int t = 0; t < nt; t++) N += pt[t].rows;
    if (N == 0) { s = ow__fail(err, OW_EINPUT, "%s: %s: %s holds no samples", label, path, file); goto out; }
    g->n = N;
    g->M = malloc(N * sizeof *g->M);
    g->sN = malloc(N * sizeof *g->sN);
    g->colmean = calloc(m, sizeof *g->colmean);
    g->tau = tau;
    tau = NULL;
    g->cn = calloc(m, sizeof *g->cn);
    g->cd = calloc(m, sizeof *g->cd);
    g->cr = calloc(m, sizeof *g->cr);
    g->wt = malloc(N * sizeof *g->wt);
    if (!g->M || !g->sN || !g->colmean || !g->cn || !g->cd || !g->cr || !g->wt) { s = ow__fail(err, OW_ENOMEM, "out of memory"); goto out; }
    size_t off = 0;
    for (int t = 0; t < nt; t++) {
        memcpy(g->M + off, pt[t].M, pt[t].rows * sizeof *g->M);
        memcpy(g->sN + off, pt[t].sN, pt[t].rows * sizeof *g->sN);
        for (size_t a = 0; a < m; a++) g->colmean[a] += pt[t].colsum[a];
        off += pt[t].rows;
        free(pt[t].M); free(pt[t].sN);
        pt[t].M = NULL; pt[t].sN = NULL;
    }
    for (size_t a = 0; a < m; a++) g->colmean[a] /= (double)N;
    for (size_t i = 0; i < N; i++) g->wt[i] = 1.0 / (double)N;
    /* each action's entries: thread 0's list, extended by the other
     * threads' (rows renumbered), sorted.  Each thread sorts through one
     * scratch sized for the largest action, faulted in once. */
    size_t Kmax = 1;
    for (size_t a = 0; a < m; a++) {
        size_t K = 0;
        for (int t = 0; t < nt; t++) K += pt[t].kept[a].n;
        if (K > Kmax) Kmax = K;
    }
    int fail = 0;
    #pragma omp parallel
    {
        double *sd = malloc(Kmax * sizeof *sd);
        uint32_t *sr = malloc(Kmax * sizeof *sr);
        if (!sd || !sr) {
            #pragma omp atomic write
            fail = 1;
        }
        #pragma omp for schedule(dynamic, 1)
        for (size_t a = 0; a < m; a++) {
            list *l = &pt[0].kept[a];
            size_t K = 0;
            for (int t = 0; t < nt; t++) K += pt[t].kept[a].n;
            if (!sd || !sr || (K > l->cap && grow(l, K)) || (K == 0 && grow(l, 1))) {
                #pragma omp atomic write
                fail = 1;
                continue;
            }
            size_t base = pt[0].rows;
            for (int t = 1; t < nt; t++) {
                list *o = &pt[t].kept[a];
                memcpy(l->d + l->n, o->d, o->n * sizeof *o->d);
                for (size_t i = 0; i < o->n; i++) l->r[l->n + i] = (uint32_t)(o->r[i] + base);
                l->n += o->n;
                base += pt[t].rows;
                free(o->d); free(o->r);
                o->d = NULL; o->r = NULL; o->n = o->cap = 0;
            }
            if (ow__radix_sort_buf(l->d, l->r, K, sd, sr)) {
                #pragma omp atomic write
                fail = 1;
                continue;
            }
            g->cd[a] = l->d; g->cr[a] = l->r; g->cn[a] = K;
            l->d = NULL; l->r = NULL; l->n = l->cap = 0;
        }
        free(sd);
        free(sr);
    }
    if (fail) { s = ow__fail(err, OW_ENOMEM, "out of memory sorting the samples"); goto out; }
    g->compact = 1;
out:
    if (pt)
        for (int t = 0; t < nt; t++) {
            if (pt[t].kept) for (size_t a = 0; a < m; a++) { free(pt[t].kept[a].d); free(pt[t].kept[a].r); }
            free(pt[t].kept); free(pt[t].colsum); free(pt[t].M); free(pt[t].sN);
        }
    free(pt);
    free(tau);
    close(fd);
    return s;
}
