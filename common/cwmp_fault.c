/* cwmp_fault: the fault codes of cwmp-reference.md 4.2 (CPE) and 4.3 (ACS),
 * their standard texts and SOAP faultcodes (see cwmp.h). */
#include "cwmp.h"

#include <stddef.h>

static const struct {
    int code;
    const char *text;
} faults[] = {
    /* ACS faults (cwmp-1-0 .. cwmp-1-4.xsd) */
    {8000, "Method not supported"},
    {8001, "Request denied"},
    {8002, "Internal error"},
    {8003, "Invalid arguments"},
    {8004, "Resources exceeded"},
    {8005, "Retry request"},
    {8006, "ACS version incompatible with CPE"},
    /* CPE faults: cwmp-1-0.xsd */
    {9000, "Method not supported"},
    {9001, "Request denied"},
    {9002, "Internal error"},
    {9003, "Invalid arguments"},
    {9004, "Resources exceeded"},
    {9005, "Invalid parameter name"},
    {9006, "Invalid parameter type"},
    {9007, "Invalid parameter value"},
    {9008, "Attempt to set a non-writable parameter"},
    {9009, "Notification request rejected"},
    {9010, "File transfer failure"},
    {9011, "Upload failure"},
    {9012, "File transfer server authentication failure"},
    {9013, "Unsupported protocol for file transfer"},
    /* cwmp-1-1.xsd */
    {9014, "File transfer failure: unable to join multicast group"},
    {9015, "File transfer failure: unable to contact file server"},
    {9016, "File transfer failure: unable to access file"},
    {9017, "File transfer failure: unable to complete download"},
    {9018, "File transfer failure: file corrupted"},
    {9019, "File transfer failure: file authentication failure"},
    /* cwmp-1-2.xsd */
    {9020, "File transfer failure: unable to complete download within specified time windows"},
    {9021, "Cancelation of file transfer not permitted in current transfer state"},
    {9022, "Invalid UUID format"},
    {9023, "Unknown Execution Environment"},
    {9024, "Disabled Execution Environment"},
    {9025, "Deployment Unit to Execution Environment mismatch"},
    {9026, "Duplicate Deployment Unit"},
    {9027, "System resources exceeded"},
    {9028, "Unknown Deployment Unit"},
    {9029, "Invalid Deployment Unit state"},
    {9030, "Invalid Deployment Unit update: downgrade not permitted"},
    {9031, "Invalid Deployment Unit update: version not specified"},
    {9032, "Invalid Deployment Unit update: version already exists"},
};

const char *cwmp_fault_text(int code)
{
    for (size_t i = 0; i < sizeof(faults) / sizeof(faults[0]); i++)
        if (faults[i].code == code)
            return faults[i].text;
    return NULL;
}

const char *cwmp_faultcode_for(int code)
{
    /* The requester's arguments were wrong (icwmp's split, cwmp-reference.md 4.2). */
    if (code == 8003 || code == 9003 || (code >= 9005 && code <= 9008))
        return "Client";
    return "Server";
}
