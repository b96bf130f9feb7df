/* ctl_args: acsctl's command line: options, commands, durations.
 *
 * Pure: no I/O, nothing blocks. Errors are a one-line reason in err, which
 * acsctl prints as is before exiting with CTL_EXIT_USAGE.
 */
#ifndef CTL_ARGS_H
#define CTL_ARGS_H

#include <stddef.h>

#include "ctl.h"

/* Parse argv[1..argc-1] into cl (zeroed and defaulted first). Options may
 * come before or after the command word, as "--opt value" or "--opt=value";
 * "--" ends the options. Checks that each option exists, takes a value of
 * its kind (number, duration...) and is accepted by the command. Returns 0,
 * or -1 with a reason in err (usage error). cl->pos is allocated in both
 * cases: call ctl_args_free. Does not check the positionals. */
int ctl_args_parse(int argc, char **argv, ctl_cmdline_t *cl, char *err, size_t errlen)
    __attribute__((warn_unused_result));

/* Free what ctl_args_parse allocated. Accepts a zeroed cl. */
void ctl_args_free(ctl_cmdline_t *cl);

/* 1 if cmd is an RPC command (get, set, reboot...): it can run on one
 * DEVICE or, with a filter, in bulk. */
int ctl_args_is_rpc_command(const char *cmd);

/* The usage text (every command and option), for --help. Static string. */
const char *ctl_args_usage(void);

/* A duration: digits followed by s, m, h, d or w, possibly repeated
 * ("1h30m"); bare digits are seconds. At most ten years. 0 and the seconds
 * into *secs, or -1. */
int ctl_parse_duration(const char *s, long *secs) __attribute__((warn_unused_result));

/* An age for people: "42s", "7m", "3h", "12d" (largest unit, rounded
 * down); negative ages (clock skew) print as "0s". */
void ctl_format_age(long secs, char *out, size_t n);

#endif
