/* ctl_main: parse the command line and run the command. */
#include <stdio.h>
#include <string.h>

#include "ctl_args.h"
#include "ctl_cmd.h"

static int dispatch(ctl_ctx_t *c)
{
    const char *cmd = c->cl->cmd;
    if (ctl_args_is_rpc_command(cmd))
        return ctl_cmd_rpc(c);
    if (strcmp(cmd, "devices") == 0)
        return ctl_cmd_devices(c);
    if (strcmp(cmd, "show") == 0)
        return ctl_cmd_show(c);
    if (strcmp(cmd, "tag") == 0)
        return ctl_cmd_tag(c);
    if (strcmp(cmd, "events") == 0)
        return ctl_cmd_events(c);
    if (strcmp(cmd, "files") == 0)
        return ctl_cmd_files(c);
    return ctl_fail(CTL_EXIT_USAGE, "unknown command '%.64s'", cmd);
}

int ctl_main(int argc, char **argv)
{
    ctl_cmdline_t cl;
    ctl_ctx_t c;
    char err[512];
    int rc;

    if (ctl_args_parse(argc, argv, &cl, err, sizeof err) != 0) {
        rc = ctl_fail(CTL_EXIT_USAGE, "%s", err);
        goto out;
    }
    if (cl.help || (cl.cmd && strcmp(cl.cmd, "help") == 0)) {
        fputs(ctl_args_usage(), stdout);
        rc = CTL_EXIT_OK;
        goto out;
    }
    if (!cl.cmd) {
        fputs(ctl_args_usage(), stderr);
        rc = CTL_EXIT_USAGE;
        goto out;
    }
    ctl_ctx_init(&c, &cl);
    rc = dispatch(&c);
    ctl_ctx_close(&c);
out:
    ctl_args_free(&cl);
    if (fflush(stdout) != 0 && rc == CTL_EXIT_OK)
        rc = ctl_fail(CTL_EXIT_FAILED, "cannot write the output");
    return rc;
}
