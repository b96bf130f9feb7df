/* gw_events: the event messages of proto-json/ that the gateway publishes. */
#include "gateway.h"

#include "acs_topology.h"
#include "acs_util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

json_t *gw_event_base(const char *type, const char *device, const char *session)
{
    char id[37];
    acs_uuid(id);
    json_t *ev = json_pack("{s:s,s:i,s:s,s:s}", "type", type, "version", 1, "message_id", id,
                           "device_id", device);
    if (session)
        json_object_set_new(ev, "session_id", json_string(session));
    return ev;
}

int gw_event_publish(gw_t *gw, json_t *ev, acs_amqp_cb cb, void *arg)
{
    char rkey[ACS_DEVICE_ID_MAX + 64];
    const char *type = json_string_value(json_object_get(ev, "type"));
    const char *dev = json_string_value(json_object_get(ev, "device_id"));
    acs_amqp_props_t props = {json_string_value(json_object_get(ev, "message_id")), NULL, NULL,
                              type};
    snprintf(rkey, sizeof rkey, "%s.%s", type, dev);
    char *body = json_dumps(ev, JSON_COMPACT);
    int rc = acs_amqp_publish(gw->amqp, ACS_EXCHANGE_EVENTS, rkey, &props, body, strlen(body), cb,
                              arg);
    free(body);
    return rc;
}
