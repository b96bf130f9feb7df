/* acsctl: the operator's command line (docs/acsctl.md). Everything is in
 * the library (ctl_*.c) so that it can be unit tested; this is the entry. */
#include "ctl_cmd.h"

int main(int argc, char **argv)
{
    return ctl_main(argc, argv);
}
