/* sim_xfer: see sim_xfer.h. (Placeholder until transfers are built.) */
#include "sim_xfer.h"

#include <stdlib.h>

#include "acs_buf.h"

struct sim_xfer {
    int unused;
};

sim_xfer_t *sim_xfer_new(void)
{
    return acs_xcalloc(1, sizeof(sim_xfer_t));
}

void sim_xfer_free(sim_xfer_t *x)
{
    free(x);
}

void sim_xfer_reset(sim_xfer_t *x)
{
    (void)x;
}

int sim_xfer_method(const char *method)
{
    (void)method;
    return 0;
}

int sim_xfer_handle(sim_device_t *d, const char *method, xmlNodePtr rpc, acs_buf_t *body)
{
    (void)d, (void)method, (void)rpc, (void)body;
    return 9000;
}
