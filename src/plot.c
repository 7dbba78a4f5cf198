/*
 * plot.c -- line plots and heat maps drawn with PLplot.
 *
 * The output device follows the file's extension: .svg (svgcairo, or
 * PLplot's own svg), .pdf (pdfcairo, or PLplot's pdf), .png (pngcairo).  A
 * device that this PLplot lacks is reported as an error before PLplot is
 * initialised (PLplot itself would exit).  Each plot runs in a stream of
 * its own, ended before returning, so plots do not share state.  PLplot is
 * not thread-safe: call these from one thread at a time.
 *
 * Layout: title on top, axis labels, a legend at the top right (lines) or
 * a colour bar (heat maps), and an optional caption under the x label that
 * says what the plot shows.
 */
#include "internal.h"
#include "oneway_plot.h"
#include <plplot.h>
#include <stdlib.h>
#include <string.h>

/* series colours: dark, readable, distinct (colour map 0, indices 2..) */
static const int palette[][3] = {
    { 31, 119, 180 }, { 214, 39, 40 }, { 44, 160, 44 }, { 148, 103, 189 },
    { 255, 127, 14 }, { 140, 86, 75 }, { 227, 119, 194 }, { 127, 127, 127 },
};
#define NPAL (sizeof palette / sizeof palette[0])

static int have_device(const char *name)
{
    const char **menu, **devs;
    int n = 64;
    menu = calloc((size_t)n, sizeof *menu);
    devs = calloc((size_t)n, sizeof *devs);
    if (!menu || !devs) { free(menu); free(devs); return 0; }
    plgDevs(&menu, &devs, &n);
    int ok = 0;
    for (int i = 0; i < n; i++) if (devs[i] && !strcmp(devs[i], name)) ok = 1;
    free(menu);
    free(devs);
    return ok;
}

static const char *device_for(const char *file, ow_error *err)
{
    const char *dot = strrchr(file, '.');
    static const struct { const char *ext, *dev[2]; } tab[] = {
        { ".svg", { "svgcairo", "svg" } },
        { ".pdf", { "pdfcairo", "pdf" } },
        { ".png", { "pngcairo", NULL } },
    };
    for (size_t i = 0; dot && i < sizeof tab / sizeof tab[0]; i++) {
        if (strcmp(dot, tab[i].ext)) continue;
        for (int k = 0; k < 2 && tab[i].dev[k]; k++)
            if (have_device(tab[i].dev[k])) return tab[i].dev[k];
        ow__fail(err, OW_EINPUT, "%s: this PLplot has no driver for %s files (install plplot-driver-cairo)", file, tab[i].ext);
        return NULL;
    }
    ow__fail(err, OW_EINPUT, "%s: expected a file ending in .svg, .pdf or .png", file);
    return NULL;
}

/* the text must not hold PLplot's escape character */
static void clean(char *dst, const char *src, size_t len)
{
    size_t i = 0;
    for (; src && *src && i + 1 < len; src++) dst[i++] = *src == '#' ? '_' : *src;
    dst[i] = 0;
}

static ow_status start(const char *file, ow_error *err)
{
    FILE *f = fopen(file, "wb");
    if (!f) return ow__fail(err, OW_EIO, "%s: cannot write", file);
    fclose(f);
    const char *dev = device_for(file, err);
    if (!dev) return err ? err->status : OW_EINPUT;
    PLINT strm;
    plmkstrm(&strm);
    plsdev(dev);
    plsfnam(file);
    plspage(0, 0, 900, 620, 0, 0);
    plscolbg(255, 255, 255);
    plscol0(1, 30, 30, 30);
    for (size_t i = 0; i < NPAL; i++) plscol0((PLINT)(i + 2), palette[i][0], palette[i][1], palette[i][2]);
    plscol0(15, 200, 200, 200);
    plinit();
    pladv(0);
    plschr(0, 0.9);
    return OW_OK;
}

static void labels(const char *title, const char *xlabel, const char *ylabel, const char *caption)
{
    char t[512], x[512], y[512], c[1024];
    clean(t, title, sizeof t);
    clean(x, xlabel, sizeof x);
    clean(y, ylabel, sizeof y);
    plcol0(1);
    pllab(x, y, t);
    if (caption && *caption) {
        /* wrap the caption over up to three lines */
        clean(c, caption, sizeof c);
        size_t len = strlen(c), pos = 0;
        double line = 5.9;
        while (pos < len && line < 9) {
            size_t take = len - pos > 96 ? 96 : len - pos;
            if (pos + take < len) {
                size_t sp = take;
                while (sp > 50 && c[pos + sp] != ' ') sp--;
                if (sp > 50) take = sp;
            }
            char save = c[pos + take];
            c[pos + take] = 0;
            plschr(0, 0.75);
            plmtex("b", line, 0.0, 0.0, c + pos);
            plschr(0, 0.9);
            c[pos + take] = save;
            pos += take;
            while (c[pos] == ' ') pos++;
            line += 1.4;
        }
    }
}

ow_status ow_plot_lines(const char *file, const char *title, const char *xlabel,
                        const char *ylabel, const char *caption,
                        const double *x, size_t n, const double *const *ys,
                        const char *const *names, const int *points_only,
                        size_t nseries, ow_error *err)
{
    if (n == 0 || nseries == 0) return ow__fail(err, OW_EINPUT, "%s: nothing to plot", file);
    double xmin = INFINITY, xmax = -INFINITY, ymin = INFINITY, ymax = -INFINITY;
    for (size_t i = 0; i < n; i++) { xmin = fmin(xmin, x[i]); xmax = fmax(xmax, x[i]); }
    for (size_t s = 0; s < nseries; s++)
        for (size_t i = 0; i < n; i++)
            if (isfinite(ys[s][i])) { ymin = fmin(ymin, ys[s][i]); ymax = fmax(ymax, ys[s][i]); }
    if (!isfinite(ymin)) return ow__fail(err, OW_EINPUT, "%s: every value is undefined (null); nothing to plot", file);
    if (xmax == xmin) { xmin -= 0.5; xmax += 0.5; }
    double pad = (ymax - ymin) * 0.06;
    if (pad == 0) pad = fabs(ymax) * 0.05 + 0.05;
    ymin -= pad; ymax += pad;
    ow_status st = start(file, err);
    if (st) return st;
    plvpor(0.1, 0.95, 0.24, 0.9);
    plwind(xmin, xmax, ymin, ymax);
    plcol0(15);
    plbox("g", 0, 0, "g", 0, 0);
    plcol0(1);
    plbox("bcnst", 0, 0, "bcnstv", 0, 0);
    labels(title, xlabel, ylabel, caption);
    PLFLT *xs = malloc(n * sizeof *xs), *yv = malloc(n * sizeof *yv);
    PLINT *opt = calloc(nseries, sizeof *opt), *col = calloc(nseries, sizeof *col),
          *sty = calloc(nseries, sizeof *sty), *num = calloc(nseries, sizeof *num);
    PLFLT *wid = calloc(nseries, sizeof *wid), *ssc = calloc(nseries, sizeof *ssc);
    const char **txt = calloc(nseries, sizeof *txt), **sym = calloc(nseries, sizeof *sym);
    char (*tbuf)[128] = calloc(nseries, sizeof *tbuf);
    if (!xs || !yv || !opt || !col || !sty || !num || !wid || !ssc || !txt || !sym || !tbuf) {
        st = ow__fail(err, OW_ENOMEM, "out of memory");
        goto out;
    }
    for (size_t s = 0; s < nseries; s++) {
        PLINT c = (PLINT)(2 + s % NPAL);
        plcol0(c);
        plwidth(2.0);
        int pts = points_only && points_only[s];
        /* draw each run of defined values */
        size_t i = 0;
        while (i < n) {
            size_t k = 0;
            while (i < n && !isfinite(ys[s][i])) i++;
            while (i < n && isfinite(ys[s][i])) { xs[k] = x[i]; yv[k] = ys[s][i]; k++; i++; }
            if (k == 0) continue;
            if (pts) plstring((PLINT)k, xs, yv, "#(728)");
            else plline((PLINT)k, xs, yv);
        }
        plwidth(1.0);
        opt[s] = pts ? PL_LEGEND_SYMBOL : PL_LEGEND_LINE;
        col[s] = c; sty[s] = 1; wid[s] = 2.0; ssc[s] = 1.0; num[s] = 1; sym[s] = "#(728)";
        clean(tbuf[s], names[s], sizeof tbuf[s]);
        txt[s] = tbuf[s];
    }
    PLFLT lw, lh;
    plcol0(1);
    pllegend(&lw, &lh, PL_LEGEND_BACKGROUND | PL_LEGEND_BOUNDING_BOX, PL_POSITION_TOP | PL_POSITION_RIGHT | PL_POSITION_INSIDE,
             0.02, 0.02, 0.06, 0, 1, 1, 0, 0, (PLINT)nseries, opt, 1.0, 0.8, 2.0, 0.0, col, txt,
             NULL, NULL, NULL, NULL, col, sty, wid, col, ssc, num, sym);
out:
    plend1();
    free(xs); free(yv); free(opt); free(col); free(sty); free(num); free(wid); free(ssc);
    free(txt); free(sym); free(tbuf);
    return st;
}

ow_status ow_plot_heatmap(const char *file, const char *title, const char *xlabel,
                          const char *ylabel, const char *zlabel, const char *caption,
                          const double *x, size_t nx, const double *y, size_t ny,
                          const double *z, ow_error *err)
{
    if (nx < 2 || ny < 2) return ow__fail(err, OW_EINPUT, "%s: a heat map needs at least 2 x 2 points", file);
    double zmin = INFINITY, zmax = -INFINITY;
    for (size_t i = 0; i < nx * ny; i++) if (isfinite(z[i])) { zmin = fmin(zmin, z[i]); zmax = fmax(zmax, z[i]); }
    if (!isfinite(zmin)) return ow__fail(err, OW_EINPUT, "%s: every value is undefined (null); nothing to plot", file);
    if (zmax == zmin) zmax = zmin + 1e-9 * fmax(1, fabs(zmin));
    PLFLT **a = NULL;
    plAlloc2dGrid(&a, (PLINT)nx, (PLINT)ny);
    if (!a) return ow__fail(err, OW_ENOMEM, "out of memory");
    for (size_t i = 0; i < nx; i++)
        for (size_t j = 0; j < ny; j++) {
            double v = z[i * ny + j];
            a[i][j] = isfinite(v) ? v : zmin;
        }
    enum { NLEV = 33 };
    PLFLT lev[NLEV];
    for (int i = 0; i < NLEV; i++) lev[i] = zmin + (zmax - zmin) * i / (NLEV - 1);
    ow_status st = start(file, err);
    if (st) { plFree2dGrid(a, (PLINT)nx, (PLINT)ny); return st; }
    PLFLT pos[] = { 0.0, 0.5, 1.0 }, r[] = { 0.15, 0.95, 0.75 }, g[] = { 0.25, 0.85, 0.15 }, b[] = { 0.6, 0.4, 0.1 };
    plscmap1n(256);
    plscmap1l(1, 3, pos, r, g, b, NULL);
    plvpor(0.1, 0.8, 0.24, 0.9);
    plwind(x[0], x[nx - 1], y[0], y[ny - 1]);
    plshades((PLFLT_MATRIX)a, (PLINT)nx, (PLINT)ny, NULL, x[0], x[nx - 1], y[0], y[ny - 1],
             lev, NLEV, 0, 0, 0, plfill, 1, NULL, NULL);
    plcol0(1);
    plbox("bcnst", 0, 0, "bcnstv", 0, 0);
    labels(title, xlabel, ylabel, caption);
    PLFLT cw, ch;
    PLINT copt[] = { PL_COLORBAR_SHADE_LABEL }, nval[] = { NLEV }, ltype[] = { PL_COLORBAR_LABEL_RIGHT };
    char zl[256];
    clean(zl, zlabel, sizeof zl);
    const char *lab[] = { zl };
    const char *axopt[] = { "bcvtm" };
    PLFLT ticks[] = { 0 };
    PLINT subt[] = { 0 };
    const PLFLT *vals[] = { lev };
    plcolorbar(&cw, &ch, PL_COLORBAR_SHADE, PL_POSITION_RIGHT | PL_POSITION_OUTSIDE,
               0.02, 0.0, 0.04, 0.66, 0, 1, 1, 0.0, 0.0, 0, 0.0, 1, ltype, lab, 1, axopt, ticks, subt, nval, vals);
    (void)copt;
    plend1();
    plFree2dGrid(a, (PLINT)nx, (PLINT)ny);
    return OW_OK;
}
