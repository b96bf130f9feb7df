/* inv_batch: the batch of inv_msg.h, one PostgreSQL array literal per
 * column of each op.
 *
 * Each column always holds a complete literal ("{}" or "{...}"), so the
 * database layer can pass it as is; appending a row overwrites the
 * closing brace of every column of its op and writes it again.
 */
#include "inv_msg.h"
#include "inv_msg_int.h"

#include "acs_buf.h"

#include <stdlib.h>
#include <string.h>

/* Columns per op, in inv_op_t order (the list is in inv_msg.h). */
static const int op_ncols[INV_OP_COUNT] = {15, 6, 5, 5, 8, 9, 7, 6, 17, 9, 13};

struct inv_batch {
    acs_buf_t col[INV_OP_COUNT][INV_OP_MAXCOLS]; /* each always "{...}" */
    size_t rows[INV_OP_COUNT];
    size_t bootstraps;
};

inv_batch_t *inv_batch_new(void)
{
    inv_batch_t *b = acs_xcalloc(1, sizeof *b);
    inv_batch_reset(b);
    return b;
}

void inv_batch_reset(inv_batch_t *b)
{
    for (int op = 0; op < INV_OP_COUNT; op++) {
        for (int c = 0; c < op_ncols[op]; c++) {
            acs_buf_reset(&b->col[op][c]);
            acs_buf_puts(&b->col[op][c], "{}");
        }
        b->rows[op] = 0;
    }
    b->bootstraps = 0;
}

void inv_batch_free(inv_batch_t **pb)
{
    if (!pb || !*pb)
        return;
    for (int op = 0; op < INV_OP_COUNT; op++)
        for (int c = 0; c < INV_OP_MAXCOLS; c++)
            acs_buf_free(&(*pb)->col[op][c]);
    free(*pb);
    *pb = NULL;
}

int inv_batch_ncols(inv_op_t op)
{
    return (unsigned)op < INV_OP_COUNT ? op_ncols[op] : 0;
}

size_t inv_batch_rows(const inv_batch_t *b, inv_op_t op)
{
    return (unsigned)op < INV_OP_COUNT ? b->rows[op] : 0;
}

size_t inv_batch_total_rows(const inv_batch_t *b)
{
    size_t n = 0;
    for (int op = 0; op < INV_OP_COUNT; op++)
        n += b->rows[op];
    return n;
}

size_t inv_batch_bootstraps(const inv_batch_t *b)
{
    return b->bootstraps;
}

const char *inv_batch_array(const inv_batch_t *b, inv_op_t op, int col)
{
    if ((unsigned)op >= INV_OP_COUNT || col < 0 || col >= op_ncols[op])
        return "{}";
    return b->col[op][col].data;
}

void inv_batch_mark(const inv_batch_t *b, inv_mark_t *m)
{
    for (int op = 0; op < INV_OP_COUNT; op++) {
        for (int c = 0; c < op_ncols[op]; c++)
            m->len[op][c] = b->col[op][c].len;
        m->rows[op] = b->rows[op];
    }
    m->bootstraps = b->bootstraps;
}

/* Back to the mark. Every column ended in '}' there, and appending only
 * overwrote that brace and wrote after it. */
void inv_batch_restore(inv_batch_t *b, const inv_mark_t *m)
{
    for (int op = 0; op < INV_OP_COUNT; op++) {
        for (int c = 0; c < op_ncols[op]; c++) {
            acs_buf_t *col = &b->col[op][c];
            col->len = m->len[op][c];
            col->data[col->len - 1] = '}';
            col->data[col->len] = '\0';
        }
        b->rows[op] = m->rows[op];
    }
    b->bootstraps = m->bootstraps;
}

/* Append one element to an array literal: NULL, or the string in double
 * quotes with " and \ backslash-escaped (array_in's rules; quoting every
 * element makes commas, braces, spaces and the word NULL safe). */
void inv_batch_array_push(acs_buf_t *col, const char *v)
{
    col->len--; /* drop the closing brace */
    if (col->len > 1)
        acs_buf_append(col, ",", 1);
    if (!v) {
        acs_buf_puts(col, "NULL");
    } else {
        acs_buf_append(col, "\"", 1);
        while (*v) {
            size_t n = strcspn(v, "\"\\");
            acs_buf_append(col, v, n);
            v += n;
            if (*v) {
                acs_buf_append(col, "\\", 1);
                acs_buf_append(col, v++, 1);
            }
        }
        acs_buf_append(col, "\"", 1);
    }
    acs_buf_append(col, "}", 1);
}

void inv_batch_add_row(inv_batch_t *b, inv_op_t op, const char *const *v)
{
    for (int c = 0; c < op_ncols[op]; c++)
        inv_batch_array_push(&b->col[op][c], v[c]);
    b->rows[op]++;
}

void inv_batch_count_bootstrap(inv_batch_t *b)
{
    b->bootstraps++;
}
