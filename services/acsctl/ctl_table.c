/* ctl_table: see ctl_table.h. */
#include "ctl_table.h"

#include <stdlib.h>
#include <string.h>

#define MAX_COLS 32

struct ctl_table {
    int ncols;
    int has_header;
    char **cells; /* (rows + header) * ncols, row major, already escaped */
    size_t nrows; /* including the header row */
    size_t cap;
};

void ctl_table_escape(acs_buf_t *out, const char *s)
{
    static const char hex[] = "0123456789abcdef";
    if (!s || !*s) {
        acs_buf_puts(out, "-");
        return;
    }
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '\n') {
            acs_buf_puts(out, "\\n");
        } else if (*p == '\t') {
            acs_buf_puts(out, "\\t");
        } else if (*p == '\r') {
            acs_buf_puts(out, "\\r");
        } else if (*p < 0x20 || *p == 0x7f) {
            char e[4] = {'\\', 'x', hex[*p >> 4], hex[*p & 15]};
            acs_buf_append(out, e, 4);
        } else {
            acs_buf_append(out, p, 1);
        }
    }
}

static void push_row(ctl_table_t *t, const char *const *cells)
{
    if (t->nrows == t->cap) {
        t->cap = t->cap ? t->cap * 2 : 16;
        t->cells = acs_xrealloc(t->cells, t->cap * (size_t)t->ncols * sizeof(char *));
    }
    for (int c = 0; c < t->ncols; c++) {
        acs_buf_t b = ACS_BUF_INIT;
        ctl_table_escape(&b, cells[c]);
        t->cells[t->nrows * (size_t)t->ncols + (size_t)c] = acs_buf_steal(&b, NULL);
    }
    t->nrows++;
}

ctl_table_t *ctl_table_new(int ncols, const char *const *headers)
{
    ctl_table_t *t = acs_xcalloc(1, sizeof *t);
    t->ncols = ncols < 1 ? 1 : ncols > MAX_COLS ? MAX_COLS : ncols;
    if (headers) {
        t->has_header = 1;
        push_row(t, headers);
    }
    return t;
}

void ctl_table_add(ctl_table_t *t, const char *const *cells)
{
    push_row(t, cells);
}

size_t ctl_table_rows(const ctl_table_t *t)
{
    return t->nrows - (size_t)t->has_header;
}

/* Characters of a UTF-8 string (continuation bytes not counted). */
static size_t width(const char *s)
{
    size_t w = 0;
    for (; *s; s++)
        if (((unsigned char)*s & 0xc0) != 0x80)
            w++;
    return w;
}

void ctl_table_render(const ctl_table_t *t, acs_buf_t *out)
{
    size_t w[MAX_COLS] = {0};

    for (size_t r = 0; r < t->nrows; r++)
        for (int c = 0; c < t->ncols; c++) {
            size_t cw = width(t->cells[r * (size_t)t->ncols + (size_t)c]);
            if (cw > w[c])
                w[c] = cw;
        }
    for (size_t r = 0; r < t->nrows; r++) {
        for (int c = 0; c < t->ncols; c++) {
            const char *cell = t->cells[r * (size_t)t->ncols + (size_t)c];
            acs_buf_puts(out, cell);
            if (c == t->ncols - 1)
                break;
            for (size_t pad = width(cell); pad < w[c] + 2; pad++)
                acs_buf_puts(out, " ");
        }
        acs_buf_puts(out, "\n");
    }
}

void ctl_table_free(ctl_table_t *t)
{
    if (!t)
        return;
    for (size_t i = 0; i < t->nrows * (size_t)t->ncols; i++)
        free(t->cells[i]);
    free(t->cells);
    free(t);
}
