/*
 * csv.c -- reading {"csv": FILE} samples fast and into little memory.
 *
 * The file is split into one byte range per thread (cut at line ends);
 * each thread reads its range in chunks with pread.  Each row is reduced at
 * once to what the engine needs (finite.c): its maximum M_i, its Nash
 * action, the column sums, and for each action the entries
 * Delta_A = M_i - u_A(a, i) <= tau_a.  The sample matrix itself is never
 * held, so a game needs memory for the kept entries only.
 *
 * Two ways to read, one result.  Files of plain decimals (no exponent, at
 * most FIX_MAXFRAC digits after the point: what spreadsheets and NumPy
 * write) take the fixed-point path.  With S = 10^f, f the most fraction
 * digits seen in the file's first MB, every value is the integer U = S u:
 * a line's commas are found 16 bytes at a time (with AVX-512 VBMI2 all
 * its comma offsets are packed into an array first, 64 bytes a step), and
 * each token is converted from one 8-byte load without a branch per digit
 * (eight tokens a step with AVX-512 VBMI), so numbers do not wait on one
 * another.  Rows are reduced a block of FIX_BLK at a
 * time, one action's column per tight loop (eight rows a step with
 * AVX-512 where the CPU has it, chosen at run time), and Delta_A is kept as the
 * integer key M - U with its row in one 64-bit word (8 bytes an entry,
 * not 12).  After reading, each action's words are sorted as words on
 * their key bits (the rows are in order already, and a stable sort keeps
 * them so): the first pass on a few top bits only (out of cache, few
 * write streams), the rest inside cache-sized parts.  Only then do they
 * become the doubles the general path makes, fl(fl(M/S) - fl(U/S)) -- bit
 * for bit strtod's value minus strtod's value, since both divisions are
 * correctly rounded quotients of exact operands -- with each row's S M
 * prefetched a few entries ahead; an insertion pass settles the entries
 * whose keys tie while their doubles differ in the last bit.  Anything
 * else -- an exponent, more fraction digits than the first MB showed, a
 * value beyond 2^40 / S -- sends the whole file to the general path: an exact fast parser
 * (Clinger: up to 15 significant digits and a power of ten up to 22 is
 * one correctly rounded IEEE operation; anything else goes to strtod), so
 * the result is bit for bit what strtod gives, and a sort on the doubles'
 * bits.  The two paths give identical entries (tests/test_csv_fixed.c); the
 * column means differ in the last bit at most (the fixed-point sums are
 * exact).
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
#include <emmintrin.h>
#ifdef _OPENMP
#include <omp.h>
#endif

#define CHUNK (1u << 20)       /* bytes read at a time by a thread (stays in cache) */
#ifndef OW_CSV_LINE_MAX
#define OW_CSV_LINE_MAX (256u << 20)  /* longest line read; the buffer grows to it */
#endif
#define PAD 128                /* readable bytes past a chunk's end (64-byte scans) */
#ifndef OW_CSV_MAX_READERS
#define OW_CSV_MAX_READERS 256 /* threads reading one file, at most */
#endif
#define LIST0 1024             /* first capacity of a kept list */
#define SNIFF (1u << 20)       /* bytes looked at to choose the fixed-point scale */
#ifndef FIX_MAXFRAC
#define FIX_MAXFRAC 6          /* most fraction digits the fixed-point path takes */
#endif
#define FIX_MAXABS (INT64_C(1) << 40)  /* largest |S u| it takes (keeps errors < 2^-12 / S) */
#ifndef FIX_SPLIT
#define FIX_SPLIT 4                    /* bits of the first, out-of-cache radix pass */
#endif
#ifndef FIX_DIGIT
#define FIX_DIGIT 8                    /* bits of each later, in-cache pass */
#endif
#ifndef OW_PREFETCH
#define OW_PREFETCH 16                 /* entries ahead whose row is asked for early */
#endif
#ifndef FIX_BLK
#define FIX_BLK 32                     /* rows parsed before their entries go to the lists */
#endif
#define FIX_BLK_MAX 1024       /* part holds bM on the heap of calloc: keep it small */
_Static_assert(FIX_BLK >= 1 && FIX_BLK <= FIX_BLK_MAX, "FIX_BLK out of range");

/* A thread's kept entries of one action, in row order.  Lists grow by
 * doubling with realloc, which moves large blocks by remapping pages
 * (mremap), not by copying; thread 0's lists become the final arrays, so
 * most entries are written once and their pages faulted in once. */
typedef struct list { double *d; uint32_t *r; size_t n, cap; } list;

/* how a load reads numbers */
typedef struct mode {
    int fixed;                 /* 1: the fixed-point path */
    int frac;                  /* its scale S = 10^frac */
    double S;
    const int64_t *khi;        /* m: keys above khi[a] have Delta_A > tau_a */
    int simd;                  /* 1: the AVX-512 column loop; 2: and the
                                  row reader (the CPU has AVX-512 VBMI, VBMI2) */
} mode;

typedef struct part {
    off_t from, to;            /* byte range [from, to) */
    off_t size_to;             /* lists are sized for the rows up to here (see flush_block) */
    off_t at;                  /* where the last row read starts (fixed-point path) */
    size_t rows;
    list *kept;                /* per action (general path) */
    uint64_t **kxp;            /* per action (fixed-point path): key << 32 | row */
    size_t *kn, *kcap;         /* their lengths and capacities */
    int64_t *blk;              /* m x FIX_BLK: the last rows' S u, by action (fixed-point path) */
    int64_t bM[FIX_BLK];       /* their S M_i */
    uint16_t *ends;            /* m + 64: a row's token ends (row_vals512) */
    size_t nb;                 /* rows in blk */
    double *colsum;
    __int128 *isum;            /* m: sums of S u (fixed-point path) */
    double *M; uint32_t *sN; int64_t *Mi; size_t cap;
    int header;                /* 1: this part starts with a header line */
    int notfixed;              /* a value the fixed-point path cannot take */
    ow_status st;
    off_t err_at;              /* byte offset of the error */
    char msg[512];
} part;

static const double p10[] = { 1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
                              1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22 };
static const int64_t ip10[] = { 1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000,
                                1000000000, 10000000000, 100000000000, 1000000000000 };

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

/* realloc(*pp, want) that never reads past the first `used` bytes.  When
 * glibc moves a block on the heap it copies all of it; reading pages never
 * written maps the shared zero page there, and the next write to that
 * memory (by a later block reusing it) must unmap it on every CPU: a TLB
 * shoot-down a page.  Shrinking to the bytes in use first keeps the copy to
 * written pages.  *pp follows the block; on error NULL is returned and *pp
 * is still valid. */
static void *regrow(void **pp, size_t used, size_t want)
{
    if (*pp && used < want) {
        void *q = realloc(*pp, used ? used : 1);
        if (q) *pp = q;
    }
    return realloc(*pp, want);
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

/* the numbers of one line [p, le) at file offset off into u[m]; 0, or -1
 * with the error recorded */
static int parse_line(size_t m, part *pt, const char *p, const char *le, off_t off, double *u)
{
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
    return 0;
}

/* the next row's number, growing the per-row arrays; -1 on error */
static long row_slot(part *pt, off_t off, int fixed)
{
    if (pt->rows == pt->cap) {
        size_t c = pt->cap ? 2 * pt->cap : 65536;
        double *nm = realloc(pt->M, c * sizeof *nm);
        if (!nm) { fail_at(pt, off, OW_ENOMEM, "out of memory"); return -1; }
        pt->M = nm;
        uint32_t *ns = realloc(pt->sN, c * sizeof *ns);
        if (!ns) { fail_at(pt, off, OW_ENOMEM, "out of memory"); return -1; }
        pt->sN = ns;
        if (fixed) {
            int64_t *ni = realloc(pt->Mi, c * sizeof *ni);
            if (!ni) { fail_at(pt, off, OW_ENOMEM, "out of memory"); return -1; }
            pt->Mi = ni;
        }
        pt->cap = c;
    }
    if (pt->rows >= UINT32_MAX) { fail_at(pt, off, OW_ETOOBIG, "more than %u samples", UINT32_MAX); return -1; }
    return (long)pt->rows++;
}

/* general path: one line; returns 0 or -1 (error recorded) */
static int row(const ow_game *g, const double *tau, part *pt, const char *p, const char *le,
               off_t off, double *u)
{
    size_t m = g->m;
    if (parse_line(m, pt, p, le, off, u)) return -1;
    size_t sn = 0;
    for (size_t a = 1; a < m; a++) if (u[a] > u[sn]) sn = a;
    double M = u[sn];
    long rl = row_slot(pt, off, 0);
    if (rl < 0) return -1;
    uint32_t r = (uint32_t)rl;
    pt->M[r] = M;
    pt->sN[r] = (uint32_t)sn;
    for (size_t a = 0; a < m; a++) {
        pt->colsum[a] += u[a];
        double d = M - u[a];
        if (d <= tau[a] && push(pt, a, d, r)) { fail_at(pt, off, OW_ENOMEM, "out of memory"); return -1; }
    }
    return 0;
}

/* ------------------------------------------------- the fixed-point path */

/* Bit i set when q[i] is a comma, for 64 bytes at
 * q: found 16 bytes at a time, so that finding where the next number
 * starts costs two instructions and numbers convert independently of one
 * another (no chain from one number's end to the next one's start). */
static inline uint64_t seps64(const char *q)
{
    const __m128i c = _mm_set1_epi8(',');
    uint64_t mk = 0;
    for (int i = 0; i < 4; i++) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(q + 16 * i));
        mk |= (uint64_t)(uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(v, c)) << (16 * i);
    }
    return mk;
}

/* The token [s, s + len) as S u (S = 10^frac): an optional sign, then up
 * to eight bytes of digits with at most one '.'.  1 on success; 0 when the
 * token is anything else (the scalar code then decides).  Eight bytes are
 * read from s.  A byte is a digit when it is '0'..'9': x ^ '0' is then
 * 0..9, and adding 0x76 leaves the top bit clear only for those (a byte
 * >= 0x8a may carry into its neighbour, which only adds a flag). */
static inline int tok_fixed(const char *s, size_t len, int frac, int64_t *out)
{
    int neg = *s == '-';
    if (neg || *s == '+') { s++; len--; }
    if (len - 1 >= 8) return 0;                          /* 1..8 bytes */
    uint64_t x;
    memcpy(&x, s, 8);
    uint64_t keep = ~UINT64_C(0) >> (64 - 8 * len);
    uint64_t t = (x ^ UINT64_C(0x3030303030303030)) & keep;
    uint64_t nd = ((t + UINT64_C(0x7676767676767676)) | t) & UINT64_C(0x8080808080808080);
    int fr = 0, n = (int)len;
    if (nd) {
        if (nd & (nd - 1)) return 0;                     /* two bytes that are not digits */
        int i1 = __builtin_ctzll(nd) >> 3;
        if (s[i1] != '.' || len == 1) return 0;
        fr = (int)len - i1 - 1;
        n = (int)len - 1;
        uint64_t low = i1 ? ~UINT64_C(0) >> (64 - 8 * i1) : 0;  /* the digits before the point */
        t = (t & low) | ((t >> 8) & ~low);
    }
    if (fr > frac) return 0;
    t <<= 8 * (8 - n);                     /* the digits, most significant first, zeros before */
    t = t * 10 + (t >> 8);
    t = (((t & UINT64_C(0x000000FF000000FF)) * (100 + (UINT64_C(1000000) << 32))) +
         (((t >> 16) & UINT64_C(0x000000FF000000FF)) * (1 + (UINT64_C(10000) << 32)))) >> 32;
    int64_t v = (int64_t)t * ip10[frac - fr];          /* < 10^8 * 10^6: no overflow */
    if (v > FIX_MAXABS) return 0;
    *out = neg ? -v : v;
    return 1;
}

/* The same, a byte at a time, for other tokens: blanks, a sign, digits,
 * '.', digits, blanks (no exponent, under 19 digits).  1 or 0. */
static int tok_scalar(const char *p, const char *e, int frac, int64_t *out)
{
    while (p < e && (*p == ' ' || *p == '\t')) p++;
    while (e > p && (e[-1] == ' ' || e[-1] == '\t')) e--;
    int neg = p < e && *p == '-';
    if (p < e && (*p == '-' || *p == '+')) p++;
    uint64_t v = 0;
    int nd = 0, fr = 0;
    while (p < e && (unsigned)(*p - '0') < 10u) { v = v * 10 + (uint64_t)(*p - '0'); p++; nd++; }
    if (p < e && *p == '.') {
        p++;
        while (p < e && (unsigned)(*p - '0') < 10u) { v = v * 10 + (uint64_t)(*p - '0'); p++; nd++; fr++; }
    }
    if (p != e || nd == 0 || nd > 18 || fr > frac || v > (uint64_t)FIX_MAXABS) return 0;
    int64_t s = (int64_t)v * ip10[frac - fr];
    if (s > FIX_MAXABS) return 0;
    *out = neg ? -s : s;
    return 1;
}

/* One action's column of a block: the kept entries (key <= h) appended
 * to out as key << 32 | row, rows r0, r0 + 1, ...; their count is
 * returned and the column's sum added to *sum.  Writes out[0, nb) (a slot
 * for every row, kept or not) and nothing beyond. */
static size_t keep_column(uint64_t *restrict out, const int64_t *restrict col, const int64_t *restrict bM,
                          size_t nb, int64_t h, uint32_t r0, int64_t *sum)
{
    int64_t s = 0;
    size_t n = 0;
    for (size_t i = 0; i < nb; i++) {
        int64_t k = bM[i] - col[i];
        out[n] = (uint64_t)k << 32 | (r0 + i);
        n += k <= h;
        s += col[i];
    }
    *sum += s;
    return n;
}

#if defined(__x86_64__) && defined(__GNUC__) && !defined(OW_NO_AVX512)
#include <immintrin.h>
#define OW_HAVE_AVX512 1
/* The same, eight rows at a time: the kept words compressed in a register
 * and stored whole (a store of eight words at out + n stays within
 * out[0, nb) because n <= i), the rest one at a time. */
__attribute__((target("avx512f")))
static size_t keep_column512(uint64_t *restrict out, const int64_t *restrict col, const int64_t *restrict bM,
                             size_t nb, int64_t h, uint32_t r0, int64_t *sum)
{
    __m512i hv = _mm512_set1_epi64(h), acc = _mm512_setzero_si512();
    __m512i rows = _mm512_add_epi64(_mm512_set1_epi64(r0), _mm512_set_epi64(7, 6, 5, 4, 3, 2, 1, 0));
    const __m512i eight = _mm512_set1_epi64(8);
    size_t n = 0, i = 0;
    for (; i + 8 <= nb; i += 8) {
        __m512i c = _mm512_loadu_si512((const void *)(col + i));
        __m512i k = _mm512_sub_epi64(_mm512_loadu_si512((const void *)(bM + i)), c);
        __mmask8 keep = _mm512_cmple_epi64_mask(k, hv);
        __m512i wd = _mm512_or_si512(_mm512_slli_epi64(k, 32), rows);
        _mm512_storeu_si512((void *)(out + n), _mm512_maskz_compress_epi64(keep, wd));
        n += (size_t)__builtin_popcount(keep);
        acc = _mm512_add_epi64(acc, c);
        rows = _mm512_add_epi64(rows, eight);
    }
    *sum += _mm512_reduce_add_epi64(acc);
    return n + keep_column(out + n, col + i, bM + i, nb - i, h, r0 + (uint32_t)i, sum);
}
#endif

/* The block's rows, one action at a time: each action's column of the
 * block goes to its kept list in one tight loop, and into the column's
 * exact sum.  0 or -1 (out of memory). */
static int flush_block(part *pt, const mode *md, size_t m)
{
    size_t nb = pt->nb;
    uint32_t r0 = (uint32_t)(pt->rows - nb);
    for (size_t a = 0; a < m; a++) {
        if (pt->kcap[a] - pt->kn[a] < nb) {
            /* the first list holds LIST0; when it is full, the list is sized
             * once for the whole range at the rate kept so far (a quarter
             * more), so that most lists never move again; then doubling */
            size_t c = pt->kcap[a] ? 2 * pt->kcap[a] : LIST0;
            if (pt->kcap[a] == LIST0 && pt->at > pt->from) {
                double rows = (double)pt->rows * (double)(pt->size_to - pt->from) / (double)(pt->at - pt->from);
                double want = 1.25 * rows * (double)pt->kn[a] / (double)(pt->rows - nb) + 4.0 * (double)nb;
                if (want > (double)c && want < (double)(SIZE_MAX / 16)) c = (size_t)want;
            }
            uint64_t *x = realloc(pt->kxp[a], c * sizeof *x);
            if (!x) return -1;
            pt->kxp[a] = x;
            pt->kcap[a] = c;
        }
        uint64_t *out = pt->kxp[a] + pt->kn[a];
        const int64_t *col = pt->blk + a * FIX_BLK;
        int64_t sum = 0;                       /* |S u| <= 2^40: a block's sum fits an int64 */
#ifdef OW_HAVE_AVX512
        if (md->simd) pt->kn[a] += keep_column512(out, col, pt->bM, nb, md->khi[a], r0, &sum);
        else
#endif
        pt->kn[a] += keep_column(out, col, pt->bM, nb, md->khi[a], r0, &sum);
        pt->isum[a] += sum;
    }
    pt->nb = 0;
    return 0;
}

#ifdef OW_HAVE_AVX512
#define OW_ROW512_TARGET "avx512f,avx512bw,avx512dq,avx512cd,avx512vbmi,avx512vbmi2"
#define ROW512_MAXLINE 65535   /* longest line it reads (16-bit offsets) */
/* A row's values eight tokens at a time (the CPU has AVX-512 VBMI and
 * VBMI2).  First the line's comma offsets are packed into ends[1..], 64
 * bytes a step (two 16-bit compressions, no loop per token); the row must
 * have exactly m - 1 commas.  Then each eight tokens' starts and lengths
 * come from ends[] by two loads, the tokens are gathered from 128 bytes by
 * one byte permutation, one eight-byte lane each, and converted as
 * tok_fixed converts one; the maximum is kept lane by lane.  Only plain
 * tokens (1-8 bytes: digits with at most one '.', no sign, no blank),
 * eight of them within 128 bytes, are taken; 0 leaves anything else to the
 * scalar reader, which redoes the row from the start.  ends has m + 64
 * slots.  1: the row's m values are in col[a * FIX_BLK], their maximum
 * (lowest index on ties) in *best, *sn. */
__attribute__((target(OW_ROW512_TARGET)))
static int row_vals512(const char *p, const char *le, size_t m, int frac, int64_t *col, int64_t *best,
                       size_t *sn, uint16_t *ends)
{
    const __m512i ones = _mm512_set1_epi64(-1), zero = _mm512_setzero_si512();
    const __m512i c30 = _mm512_set1_epi8(0x30), c76 = _mm512_set1_epi8(0x76), c80 = _mm512_set1_epi8((char)0x80);
    const __m512i bytes = _mm512_set1_epi64(0x0706050403020100), b01 = _mm512_set1_epi64(0x0101010101010101);
    const __m512i m1 = _mm512_set1_epi64(0x000000FF000000FF);
    const __m512i k1 = _mm512_set1_epi64(100 + ((int64_t)1000000 << 32)), k2 = _mm512_set1_epi64(1 + ((int64_t)10000 << 32));
    const __m512i pw = _mm512_set_epi64(10000000, 1000000, 100000, 10000, 1000, 100, 10, 1);
    const __m512i vfrac = _mm512_set1_epi64(frac), vmax = _mm512_set1_epi64(FIX_MAXABS);
    const __m512i dot = _mm512_set1_epi64('.'), ff = _mm512_set1_epi64(0xFF), eight = _mm512_set1_epi64(8);
    const __m512i comma = _mm512_set1_epi8(','), one16 = _mm512_set1_epi16(1);
    const __m512i iota = _mm512_set_epi16(31, 30, 29, 28, 27, 26, 25, 24, 23, 22, 21, 20, 19, 18, 17, 16,
                                          15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0);
    size_t len = (size_t)(le - p), nc = 0;
    if (len > ROW512_MAXLINE) return 0;
    /* ends[0] = -1 (the first token starts at 0), ends[1 + i] = token i's end */
    ends[0] = 0xFFFF;
    for (size_t o = 0; o < len; o += 64) {
        __mmask64 mk = _mm512_cmpeq_epi8_mask(_mm512_loadu_si512((const void *)(p + o)), comma);
        if (len - o < 64) mk &= ((__mmask64)1 << (len - o)) - 1;
        __m512i at = _mm512_add_epi16(iota, _mm512_set1_epi16((short)o));
        _mm512_storeu_si512((void *)(ends + 1 + nc), _mm512_maskz_compress_epi16((__mmask32)mk, at));
        nc += (size_t)__builtin_popcount((uint32_t)mk);
        at = _mm512_add_epi16(at, _mm512_set1_epi16(32));
        if (nc + 1 >= m + 32) return 0;                 /* more commas than m - 1 (and ends[] has room) */
        _mm512_storeu_si512((void *)(ends + 1 + nc), _mm512_maskz_compress_epi16((__mmask32)(mk >> 32), at));
        nc += (size_t)__builtin_popcount((uint32_t)(mk >> 32));
        if (nc + 1 >= m + 32) return 0;
    }
    if (nc != m - 1) return 0;
    ends[m] = (uint16_t)len;
    __m512i bestv = _mm512_set1_epi64(INT64_MIN), besti = zero, lane = _mm512_set_epi64(7, 6, 5, 4, 3, 2, 1, 0);
    int64_t val[8];
    for (size_t a0 = 0; a0 < m; a0 += 8, lane = _mm512_add_epi64(lane, eight)) {
        size_t cnt = m - a0 < 8 ? m - a0 : 8;
        __mmask8 lanes = (__mmask8)((1u << cnt) - 1);
        __m512i ve = _mm512_cvtepu16_epi64(_mm_loadu_si128((const __m128i *)(const void *)(ends + 1 + a0)));
        __m512i vs = _mm512_cvtepu16_epi64(_mm_add_epi16(_mm_loadu_si128((const __m128i *)(const void *)(ends + a0)),
                                                          _mm512_castsi512_si128(one16)));
        __m512i vln = _mm512_sub_epi64(ve, vs);
        uint16_t s0 = (uint16_t)(ends[a0] + 1);
        const char *base = p + s0;
        __m512i vst = _mm512_sub_epi64(vs, _mm512_set1_epi64(s0));
        /* 1..8 bytes each, within 128 bytes of base */
        if (_mm512_mask_cmpgt_epu64_mask(lanes, _mm512_sub_epi64(vln, _mm512_set1_epi64(1)), _mm512_set1_epi64(7)) |
            _mm512_mask_cmpgt_epu64_mask(lanes, vst, _mm512_set1_epi64(120)))
            return 0;
        __m512i idx = _mm512_add_epi8(_mm512_mullo_epi64(vst, b01), bytes);
        __m512i x = _mm512_permutex2var_epi8(_mm512_loadu_si512((const void *)base), idx,
                                             _mm512_loadu_si512((const void *)(base + 64)));
        __m512i keep = _mm512_srlv_epi64(ones, _mm512_sub_epi64(_mm512_set1_epi64(64), _mm512_slli_epi64(vln, 3)));
        __m512i t = _mm512_and_si512(_mm512_xor_si512(x, c30), keep);
        __m512i nd = _mm512_and_si512(_mm512_or_si512(_mm512_add_epi8(t, c76), t), c80);
        nd = _mm512_and_si512(nd, keep);
        /* at most one byte that is not a digit, and it is '.' (not alone) */
        __mmask8 bad = _mm512_mask_test_epi64_mask(lanes, nd, _mm512_sub_epi64(nd, _mm512_set1_epi64(1)));
        __mmask8 hasdot = _mm512_test_epi64_mask(nd, nd);
        __m512i tz = _mm512_sub_epi64(_mm512_set1_epi64(63),
                                      _mm512_lzcnt_epi64(_mm512_and_si512(nd, _mm512_sub_epi64(zero, nd))));
        __m512i i1 = _mm512_maskz_srli_epi64(hasdot, tz, 3);                       /* the dot's byte */
        __m512i i18 = _mm512_slli_epi64(i1, 3);
        bad |= _mm512_mask_cmpneq_epi64_mask(hasdot & lanes, _mm512_and_si512(_mm512_srlv_epi64(x, i18), ff), dot);
        bad |= _mm512_mask_cmpeq_epi64_mask(hasdot & lanes, vln, _mm512_set1_epi64(1));
        __m512i fr = _mm512_maskz_sub_epi64(hasdot, _mm512_sub_epi64(vln, i1), _mm512_set1_epi64(1));
        __m512i n = _mm512_mask_sub_epi64(vln, hasdot, vln, _mm512_set1_epi64(1));
        bad |= _mm512_mask_cmpgt_epi64_mask(lanes, fr, vfrac);
        __m512i low = _mm512_mask_mov_epi64(ones, hasdot, _mm512_andnot_si512(_mm512_sllv_epi64(ones, i18), ones));
        t = _mm512_or_si512(_mm512_and_si512(t, low), _mm512_andnot_si512(low, _mm512_srli_epi64(t, 8)));
        t = _mm512_sllv_epi64(t, _mm512_slli_epi64(_mm512_sub_epi64(eight, n), 3));
        t = _mm512_add_epi64(_mm512_add_epi64(_mm512_slli_epi64(t, 3), _mm512_slli_epi64(t, 1)), _mm512_srli_epi64(t, 8));
        t = _mm512_srli_epi64(_mm512_add_epi64(_mm512_mullo_epi64(_mm512_and_si512(t, m1), k1),
                                               _mm512_mullo_epi64(_mm512_and_si512(_mm512_srli_epi64(t, 16), m1), k2)), 32);
        __m512i v = _mm512_mullo_epi64(t, _mm512_permutexvar_epi64(_mm512_sub_epi64(vfrac, fr), pw));
        bad |= _mm512_mask_cmpgt_epi64_mask(lanes, v, vmax);
        if (bad) return 0;
        _mm512_storeu_si512((void *)val, v);
        for (size_t i = 0; i < cnt; i++) col[(a0 + i) * FIX_BLK] = val[i];
        /* lane by lane, the first of the largest (later groups win only when larger) */
        __mmask8 up = _mm512_mask_cmpgt_epi64_mask(lanes, v, bestv);
        bestv = _mm512_mask_mov_epi64(bestv, up, v);
        besti = _mm512_mask_mov_epi64(besti, up, lane);
    }
    int64_t bv = _mm512_reduce_max_epi64(bestv);
    __mmask8 at = _mm512_cmpeq_epi64_mask(bestv, _mm512_set1_epi64(bv));
    *best = bv;
    *sn = (size_t)_mm512_mask_reduce_min_epi64(at, besti);
    return 1;
}
#endif

/* One line in the fixed-point path (64 readable bytes past le).  Returns
 * 0; or -1 with an error recorded, or with notfixed set when the line is
 * good but holds a value this path cannot take. */
static int row_fixed(const ow_game *g, const mode *md, part *pt, const char *p, const char *le,
                     off_t off, double *ud)
{
    size_t m = g->m, nb = pt->nb;
    int64_t *col = pt->blk + nb;               /* this row's slot in each column of the block */
    const char *scan = p, *q = p;
    int64_t best = INT64_MIN, v;
    size_t sn = 0;
#ifdef OW_HAVE_AVX512
    if (md->simd > 1 && row_vals512(p, le, m, md->frac, col, &best, &sn, pt->ends)) goto done;
#endif
    uint64_t mk = seps64(scan);
    /* the line's first m - 1 commas end the first m - 1 tokens, the line
     * end the last (no comma may lie before it); the maximum (lowest
     * index on ties) is kept on the way */
    for (size_t a = 0; a + 1 < m; a++) {
        while (!mk) {
            scan += 64;
            if (scan >= le) goto slow;
            mk = seps64(scan);
        }
        const char *e = scan + __builtin_ctzll(mk);
        mk &= mk - 1;
        if (e >= le) goto slow;
        if (!tok_fixed(q, (size_t)(e - q), md->frac, &v) && !tok_scalar(q, e, md->frac, &v)) goto slow;
        col[a * FIX_BLK] = v;
        sn = v > best ? a : sn;
        best = v > best ? v : best;
        q = e + 1;
    }
    while (!mk && scan + 64 < le) { scan += 64; mk = seps64(scan); }
    if (mk && scan + __builtin_ctzll(mk) < le) goto slow;
    if (!tok_fixed(q, (size_t)(le - q), md->frac, &v) && !tok_scalar(q, le, md->frac, &v)) goto slow;
    col[(m - 1) * FIX_BLK] = v;
    sn = v > best ? m - 1 : sn;
    best = v > best ? v : best;
#ifdef OW_HAVE_AVX512
done:;
#endif
    long rl = row_slot(pt, off, 1);
    if (rl < 0) return -1;
    uint32_t r = (uint32_t)rl;
    pt->Mi[r] = best;
    pt->M[r] = (double)best / md->S;
    pt->sN[r] = (uint32_t)sn;
    pt->bM[nb] = best;
    pt->at = off;
    if (++pt->nb == FIX_BLK && flush_block(pt, md, m)) { fail_at(pt, off, OW_ENOMEM, "out of memory"); return -1; }
    return 0;
slow:
    /* the general parser says what is wrong, or that the line is good */
    if (parse_line(m, pt, p, le, off, ud) == 0) { pt->notfixed = 1; pt->st = OW_EINPUT; }
    return -1;
}

/* ---------------------------------------------------------- the reading */

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

static void parse_part(const ow_game *g, const double *tau, const mode *md, int fd, off_t size, part *pt)
{
    size_t m = g->m;
    size_t cap = CHUNK;
    char *buf = malloc(cap + PAD);
    double *u = malloc(m * sizeof *u);
    if (!buf || !u) { fail_at(pt, pt->from, OW_ENOMEM, "out of memory"); goto out; }
    off_t pos = pt->from;
    size_t have = 0;               /* bytes carried over in buf */
    int first = pt->header;
    while (pos < pt->to || have) {
        size_t want = cap - have;
        if ((off_t)want > pt->to - pos) want = (size_t)(pt->to - pos);
        ssize_t n = 0;
        if (want) {
            n = pread(fd, buf + have, want, pos);
            if (n < 0) { fail_at(pt, pos, OW_EIO, "read failed: %s", strerror(errno)); goto out; }
        }
        off_t base = pos - (off_t)have;     /* file offset of buf[0] */
        pos += n;
        size_t len = have + (size_t)n;
        memset(buf + len, '\n', PAD);       /* 8-byte loads never pass the buffer */
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
            if (md->fixed ? row_fixed(g, md, pt, p, le, off, u) : row(g, tau, pt, p, le, off, u)) goto out;
            p = nl + (nl < end);
            if (nl == end) break;
        }
        have = (size_t)(end - p);
        if (have == cap) {                  /* a line longer than the buffer */
            if (cap >= OW_CSV_LINE_MAX) { fail_at(pt, base, OW_EINPUT, "a line longer than %u bytes", OW_CSV_LINE_MAX); goto out; }
            char *nb = realloc(buf, 2 * cap + PAD);
            if (!nb) { fail_at(pt, base, OW_ENOMEM, "out of memory"); goto out; }
            buf = nb;
            cap *= 2;
            pos = base + (off_t)have;       /* carried bytes stay where they are */
            continue;
        }
        memmove(buf, p, have);
        if (last && have == 0) break;
        if (last && have) {
            /* the range ended inside a line: cannot happen with cuts at '\n' */
            if (pos >= size) continue;
            break;
        }
    }
    if (md->fixed && pt->nb && !pt->st && flush_block(pt, md, m)) fail_at(pt, pt->to, OW_ENOMEM, "out of memory");
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

/* The fixed-point scale from the file's first SNIFF bytes: the most digits
 * after a point, or -1 when a number there has an exponent or more than
 * FIX_MAXFRAC of them (the general path then reads the file). */
static int sniff_frac(int fd)
{
    char *b = malloc(SNIFF);
    if (!b) return -1;
    ssize_t n = pread(fd, b, SNIFF, 0), i = 0;
    int best = 0, fr = -1;           /* fr: digits after a point in this token, -1 outside one */
    if (n > 0 && !((b[0] >= '0' && b[0] <= '9') || b[0] == '-' || b[0] == '+' || b[0] == '.'))
        while (i < n && b[i] != '\n') i++;                  /* a header line */
    for (; i < n && best >= 0; i++) {
        char c = b[i];
        if (c == '.') fr = 0;
        else if (c >= '0' && c <= '9') { if (fr >= 0 && ++fr > best) best = fr; }
        else if (c == 'e' || c == 'E') best = -1;
        else fr = -1;
    }
    free(b);
    return best > FIX_MAXFRAC ? -1 : best;
}

/* One stable counting pass of the words s[0, n) on the digit
 * (w >> sh) & mask, into t.  0 when every word has the same digit
 * (nothing moves, t untouched), 1 otherwise. */
static int radix_pass(const uint64_t *restrict s, uint64_t *restrict t, size_t n, int sh, uint32_t mask,
                      uint32_t *restrict cnt)
{
    memset(cnt, 0, ((size_t)mask + 1) * sizeof *cnt);
    for (size_t i = 0; i < n; i++) cnt[(s[i] >> sh) & mask]++;
    if (cnt[(s[0] >> sh) & mask] == n) return 0;
    uint32_t sum = 0;
    for (uint32_t b = 0; b <= mask; b++) { uint32_t c = cnt[b]; cnt[b] = sum; sum += c; }
    for (size_t i = 0; i < n; i++) t[cnt[(s[i] >> sh) & mask]++] = s[i];
    return 1;
}

/* n words (key << 32 | row, rows increasing) -- x[0, n0), then each of
 * more[0, ns) -- into (key, row) order in x (room for n): a stable sort
 * on the key bits only (b is scratch of n words).  Out of cache a scatter to many buckets costs a
 * miss a word, so the first pass splits on the top FIX_SPLIT key bits only
 * (a few write streams), and each part, small enough to stay in cache, is
 * then sorted on the remaining bits LSD, FIX_DIGIT bits a pass.  0 or -1
 * (out of memory). */
/* Words to sort besides those already in x: w[0, n), each plus add (a
 * row offset: it never reaches the key bits). */
typedef struct wsrc { const uint64_t *w; size_t n; uint64_t add; } wsrc;

static int sort_words(uint64_t *x, uint64_t *b, size_t n, uint64_t kmax, size_t n0, const wsrc *more, int ns)
{
    if (n < 2 || kmax == 0) {                            /* nothing to order: append */
        for (int s = 0; s < ns; s++) {
            for (size_t i = 0; i < more[s].n; i++) x[n0 + i] = more[s].w[i] + more[s].add;
            n0 += more[s].n;
        }
        return 0;
    }
    int bits = 64 - __builtin_clzll(kmax);
    int top = bits > FIX_SPLIT ? FIX_SPLIT : bits, low = bits - top;
    uint32_t *cnt = malloc(((size_t)1 << (FIX_DIGIT > FIX_SPLIT ? FIX_DIGIT : FIX_SPLIT)) * sizeof *cnt);
    size_t off[(1 << FIX_SPLIT) + 1], pos[1 << FIX_SPLIT];
    if (!cnt) return -1;
    uint32_t tmask = (UINT32_C(1) << top) - 1;
    for (uint32_t q = 0; q <= tmask; q++) off[q] = 0;
    for (size_t i = 0; i < n0; i++) off[x[i] >> (32 + low)]++;
    for (int s = 0; s < ns; s++)
        for (size_t i = 0; i < more[s].n; i++) off[more[s].w[i] >> (32 + low)]++;
    size_t sum = 0;
    for (uint32_t q = 0; q <= tmask; q++) { size_t t = off[q]; off[q] = pos[q] = sum; sum += t; }
    off[tmask + 1] = n;
    /* the first pass reads the other readers' lists where they are */
    for (size_t i = 0; i < n0; i++) b[pos[x[i] >> (32 + low)]++] = x[i];
    for (int s = 0; s < ns; s++) {
        const uint64_t *w = more[s].w, add = more[s].add;
        for (size_t i = 0; i < more[s].n; i++) b[pos[w[i] >> (32 + low)]++] = w[i] + add;
    }
    /* each part on the low key bits; every part ends back in x */
    int P = low ? (low + FIX_DIGIT - 1) / FIX_DIGIT : 0, wd = P ? (low + P - 1) / P : 0;
    uint32_t mask = P ? (UINT32_C(1) << wd) - 1 : 0;
    for (uint32_t q = 0; q <= tmask; q++) {
        size_t o = off[q], len = off[q + 1] - o;
        uint64_t *src = b + o, *dst = x + o;
        for (int p = 0; p < P && len > 1; p++) {
            if (!radix_pass(src, dst, len, 32 + wd * p, mask, cnt)) continue;
            uint64_t *t = src; src = dst; dst = t;
        }
        if (src != x + o && len) memcpy(x + o, src, len * sizeof *src);
    }
    free(cnt);
    return 0;
}

/* One action's words x[0, n), rows increasing, into the general path's
 * entries: (key, row) order first (sort_words), then in place the doubles
 * d = fl(fl(Mi/S) - fl((Mi - key)/S)) -- strtod's value minus strtod's
 * value, as the general path makes them -- and their rows into r; then an
 * insertion pass settles the entries whose keys tie while their doubles
 * differ in the last bit (should it have to move more than a few entries
 * per entry, the general sort does it instead).  b: scratch of n words.
 * Returns the entries with d <= tau (a prefix), or -1 when out of memory. */
static long finish_words(uint64_t *x, uint32_t *r, size_t n, const int64_t *Mi, double S, double tau,
                         uint64_t *b)
{
    /* the rows come in random order: their S M are asked for a few
     * entries ahead.  An entry below the largest double before it is out
     * of order; those positions are noted (branch-free, in the scratch) */
    double *d = (double *)(void *)x, top = -INFINITY;
    uint32_t *late = (uint32_t *)(void *)b;
    size_t nl = 0;
    for (size_t i = 0; i < n; i++) {
        uint64_t v = x[i];
        if (i + OW_PREFETCH < n) __builtin_prefetch(&Mi[(uint32_t)x[i + OW_PREFETCH]]);
        uint32_t row = (uint32_t)v;
        int64_t mi = Mi[row];
        double dv = (double)mi / S - (double)(mi - (int64_t)(v >> 32)) / S;
        d[i] = dv;
        r[i] = row;
        late[nl] = (uint32_t)i;
        nl += dv < top;
        top = dv > top ? dv : top;
    }
    /* insertion of those alone: every other entry is the largest so far,
     * in place already (equal doubles have equal keys, so their rows are
     * in order) */
    size_t moves = 0, budget = 4 * n + 1024;
    for (size_t q = 0; q < nl && moves <= budget; q++) {
        size_t i = late[q], j = i;
        double dv = d[i];
        uint32_t rv = r[i];
        while (j > 0 && (d[j - 1] > dv || (d[j - 1] == dv && r[j - 1] > rv))) {
            d[j] = d[j - 1]; r[j] = r[j - 1]; j--;
        }
        d[j] = dv; r[j] = rv;
        moves += i - j;
    }
    if (moves > budget && ow__radix_sort(d, r, n)) return -1;
    size_t K = n;
    while (K > 0 && !(d[K - 1] <= tau)) K--;
    return (long)K;
}

/* ------------------------------------------------------------ the load */

static void parts_free(part *pt, int nt, size_t m)
{
    if (!pt) return;
    for (int t = 0; t < nt; t++) {
        if (pt[t].kept) for (size_t a = 0; a < m; a++) { free(pt[t].kept[a].d); free(pt[t].kept[a].r); }
        if (pt[t].kxp) for (size_t a = 0; a < m; a++) free(pt[t].kxp[a]);
        free(pt[t].kept); free(pt[t].kxp); free(pt[t].kn); free(pt[t].kcap);
        free(pt[t].colsum); free(pt[t].isum); free(pt[t].blk); free(pt[t].ends);
        free(pt[t].M); free(pt[t].sN); free(pt[t].Mi);
    }
    free(pt);
}

/* General path: each action's entries are thread 0's list, extended by the
 * other threads' (rows renumbered), sorted.  Each thread sorts through one
 * scratch sized for the largest action, faulted in once.  0 or -1. */
static int gather_general(ow_game *g, part *pt, int nt)
{
    size_t m = g->m, Kmax = 1;
    for (size_t a = 0; a < m; a++) {
        size_t K = 0;
        for (int t = 0; t < nt; t++) K += pt[t].kept[a].n;
        if (K > Kmax) Kmax = K;
    }
    int fail = 0;
    #pragma omp parallel
    {
        double *sd = malloc((Kmax ? Kmax : 1) * sizeof *sd);
        uint32_t *sr = malloc((Kmax ? Kmax : 1) * sizeof *sr);
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
                if (o->n) memcpy(l->d + l->n, o->d, o->n * sizeof *o->d);
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
    return fail ? -1 : 0;
}

/* Fixed-point path: each action's words, rows renumbered, ordered
 * (sort_words) and made doubles (finish_words).  Mi is every row's S M_i.
 * 0 or -1. */
static int gather_fixed(ow_game *g, part *pt, int nt, const mode *md, const int64_t *Mi)
{
    size_t m = g->m, Kmax = 1;
    for (size_t a = 0; a < m; a++) {
        size_t K = 0;
        for (int t = 0; t < nt; t++) K += pt[t].kn[a];
        g->cn[a] = K;
        if (K > Kmax) Kmax = K;
    }
    int fail = 0;
    #pragma omp parallel
    {
        uint64_t *sb = malloc(Kmax * sizeof *sb);
        #pragma omp for schedule(dynamic, 1)
        for (size_t a = 0; a < m; a++) {
            size_t K = g->cn[a];
            void *x0 = pt[0].kxp[a];
            uint64_t *x = K > pt[0].kcap[a] || !x0 ? regrow(&x0, pt[0].kn[a] * sizeof *x, (K ? K : 1) * sizeof *x) : x0;
            pt[0].kxp[a] = x ? x : x0;                 /* the live block, whatever fails next */
            if (!sb || !x) {
                #pragma omp atomic write
                fail = 1;
                continue;
            }
            pt[0].kxp[a] = NULL;
            g->cd[a] = (double *)(void *)x;
            /* the other readers' words, rows renumbered, join thread 0's in
             * the sort's first pass; then the largest of their lists, its
             * pages in memory already, becomes the array of rows (a list of
             * K/2 words holds K rows) */
            wsrc src[OW_CSV_MAX_READERS];
            uint64_t base = pt[0].rows;
            int keep = 0;
            for (int t = 1; t < nt; t++) {
                src[t - 1] = (wsrc){ pt[t].kxp[a], pt[t].kn[a], base };
                base += pt[t].rows;
                if (!keep || pt[t].kcap[a] > pt[keep].kcap[a]) keep = t;
            }
            int bad = sort_words(x, sb, K, (uint64_t)md->khi[a], pt[0].kn[a], src, nt - 1);
            void *spare = NULL;
            size_t spare_n = 0;
            for (int t = 1; t < nt; t++) {
                if (t == keep) { spare = pt[t].kxp[a]; spare_n = pt[t].kn[a]; }
                else free(pt[t].kxp[a]);
                pt[t].kxp[a] = NULL;
            }
            uint32_t *r = bad ? NULL : spare ? regrow(&spare, spare_n * sizeof(uint64_t), (K ? K : 1) * sizeof *r) : malloc((K ? K : 1) * sizeof *r);
            if (!r) {
                free(spare);
                #pragma omp atomic write
                fail = 1;
                continue;
            }
            g->cr[a] = r;
            long Kt = finish_words(x, r, K, Mi, md->S, g->tau[a], sb);
            if (Kt < 0) {
                #pragma omp atomic write
                fail = 1;
                continue;
            }
            g->cn[a] = (size_t)Kt;
        }
        free(sb);
    }
    return fail ? -1 : 0;
}

/* One load in the given mode (fixed: try the fixed-point path).  With
 * *notfixed set on return the fixed-point path met a value it cannot take
 * and g is as it was: read again in the general mode. */
static ow_status csv_load(ow_game *g, int fd, off_t size, const char *file, const char *label,
                          const char *path, int how, int *notfixed, int *used, ow_error *err)
{
    size_t m = g->m;
    int nt = 1;
#ifdef _OPENMP
    nt = omp_get_max_threads();
#endif
    if (nt > OW_CSV_MAX_READERS) nt = OW_CSV_MAX_READERS;
    if (size < (off_t)(1 << 20)) nt = 1;
    part *pt = calloc((size_t)nt, sizeof *pt);
    double *tau = malloc(m * sizeof *tau);
    int64_t *khi = malloc(m * sizeof *khi), *Mi = NULL;
    mode md = { 0, 0, 1, khi, 0 };
#ifdef OW_HAVE_AVX512
    if (!(how & OW__CSV_SCALAR) && __builtin_cpu_supports("avx512f"))
        md.simd = 1 + (__builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512dq") &&
                       __builtin_cpu_supports("avx512cd") && __builtin_cpu_supports("avx512vbmi") &&
                       __builtin_cpu_supports("avx512vbmi2"));
#endif
    ow_status s = OW_OK;
    *notfixed = 0;
    *used = 0;
    if (!pt || !tau || !khi) { s = ow__fail(err, OW_ENOMEM, "out of memory"); goto out; }
    ow__thresholds(g, tau);
    if ((how & OW__CSV_FIXED) && (md.frac = sniff_frac(fd)) >= 0) {
        md.fixed = 1;
        md.S = p10[md.frac];
        for (size_t a = 0; a < m; a++) {
            /* keys above khi have Delta_A > tau: |fl(M/S) - fl(U/S) - k/S| < 2^-12 / S
             * for |U|, |M| <= 2^40, and fl(tau S) is within an ulp of tau S */
            double t = floor(tau[a] * md.S * (1 + 0x1p-48)) + 2;
            if (!(t < 4294967295.0)) { md.fixed = 0; break; }
            khi[a] = (int64_t)t;
        }
    }
    *used = md.fixed;
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
    /* thread 0's lists become the arrays of all readers' entries
     * (gather_fixed): sized for the whole file, they need not move then
     * (the pages past its own entries are touched only by the gather) */
    for (int t = 0; t < nt; t++) pt[t].size_to = t == 0 ? size : pt[t].to;
    for (int t = 0; t < nt; t++) {
        if (md.fixed) {
            pt[t].kxp = calloc(m, sizeof *pt[t].kxp);
            pt[t].kn = calloc(m, sizeof *pt[t].kn);
            pt[t].kcap = calloc(m, sizeof *pt[t].kcap);
            pt[t].isum = calloc(m, sizeof *pt[t].isum);
            pt[t].blk = malloc(m * FIX_BLK * sizeof *pt[t].blk);
            pt[t].ends = malloc((m + 64) * sizeof *pt[t].ends);
            if (!pt[t].kxp || !pt[t].kn || !pt[t].kcap || !pt[t].isum || !pt[t].blk || !pt[t].ends) {
                s = ow__fail(err, OW_ENOMEM, "out of memory");
                goto out;
            }
        } else {
            pt[t].kept = calloc(m, sizeof *pt[t].kept);
            pt[t].colsum = calloc(m, sizeof *pt[t].colsum);
            if (!pt[t].kept || !pt[t].colsum) { s = ow__fail(err, OW_ENOMEM, "out of memory"); goto out; }
        }
    }
    #pragma omp parallel for schedule(static, 1) num_threads(nt)
    for (int t = 0; t < nt; t++) parse_part(g, tau, &md, fd, size, &pt[t]);
    /* the earliest failure in the file decides: an error before the first
     * value the fixed-point path cannot take is reported as it is */
    for (int t = 0; t < nt; t++)
        if (pt[t].st) {
            if (pt[t].notfixed) { *notfixed = 1; goto out; }
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
    if (md.fixed) Mi = malloc(N * sizeof *Mi);
    if (!g->M || !g->sN || !g->colmean || !g->cn || !g->cd || !g->cr || !g->wt || (md.fixed && !Mi)) {
        s = ow__fail(err, OW_ENOMEM, "out of memory");
        goto out;
    }
    size_t off = 0;
    __int128 *isum = md.fixed ? pt[0].isum : NULL;
    for (int t = 0; t < nt; t++) {
        if (pt[t].rows) {
            memcpy(g->M + off, pt[t].M, pt[t].rows * sizeof *g->M);
            memcpy(g->sN + off, pt[t].sN, pt[t].rows * sizeof *g->sN);
            if (md.fixed) memcpy(Mi + off, pt[t].Mi, pt[t].rows * sizeof *Mi);
        }
        if (md.fixed) {
            for (size_t a = 0; a < m && t > 0; a++) isum[a] += pt[t].isum[a];
        } else {
            for (size_t a = 0; a < m; a++) g->colmean[a] += pt[t].colsum[a];
        }
        off += pt[t].rows;
        free(pt[t].M); free(pt[t].sN); free(pt[t].Mi);
        pt[t].M = NULL; pt[t].sN = NULL; pt[t].Mi = NULL;
    }
    /* the fixed-point sums are exact: one rounding to a double, one per division */
    for (size_t a = 0; a < m; a++)
        g->colmean[a] = md.fixed ? (double)isum[a] / md.S / (double)N : g->colmean[a] / (double)N;
    for (size_t i = 0; i < N; i++) g->wt[i] = 1.0 / (double)N;
    if (md.fixed ? gather_fixed(g, pt, nt, &md, Mi) : gather_general(g, pt, nt)) {
        s = ow__fail(err, OW_ENOMEM, "out of memory sorting the samples");
        goto out;
    }
    g->compact = 1;
out:
    if (s != OW_OK || *notfixed) {
        /* g as it was */
        if (g->cd) for (size_t a = 0; a < m; a++) { free(g->cd[a]); free(g->cr[a]); }
        free(g->M); free(g->sN); free(g->colmean); free(g->cn); free(g->cd); free(g->cr); free(g->wt);
        if (g->tau != tau) free(g->tau);
        g->M = NULL; g->sN = NULL; g->colmean = NULL; g->cn = NULL; g->cd = NULL; g->cr = NULL;
        g->wt = NULL; g->tau = NULL; g->n = 0;
    }
    parts_free(pt, nt, m);
    free(tau);
    free(khi);
    free(Mi);
    return s;
}

ow_status ow__csv_load_as(ow_game *g, const char *file, const char *label, const char *path,
                          int how, int *used_fixed, ow_error *err)
{
    int fd = open(file, O_RDONLY);
    if (fd < 0) return ow__fail(err, OW_EIO, "%s: %s: cannot open CSV file %s: %s", label, path, file, strerror(errno));
    struct stat st;
    if (fstat(fd, &st) || !S_ISREG(st.st_mode)) { close(fd); return ow__fail(err, OW_EIO, "%s: %s: %s is not a regular file", label, path, file); }
    int notfixed = 0, used = 0;
    ow_status s = csv_load(g, fd, st.st_size, file, label, path, how, &notfixed, &used, err);
    if (s == OW_OK && notfixed) s = csv_load(g, fd, st.st_size, file, label, path, 0, &notfixed, &used, err);
    if (used_fixed) *used_fixed = used;
    close(fd);
    return s;
}

ow_status ow__csv_load(ow_game *g, const char *file, const char *label, const char *path, ow_error *err)
{
    return ow__csv_load_as(g, file, label, path, OW__CSV_FIXED, NULL, err);
}
