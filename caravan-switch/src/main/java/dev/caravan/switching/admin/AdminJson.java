package dev.caravan.switching.admin;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caravan.switching.BackendStatus;
import dev.caravan.switching.Frontend;
import dev.caravan.switching.config.FrontendSpecJson;
import dev.caravan.switching.handoff.HandoffFrontend;

import java.util.Locale;

/**
 * The admin API's JSON shapes (the CLI's {@code --json} prints them as they are):
 * <pre>
 * frontend: {"name", "address": "host:port", "protocol", "mode", "clientConnections", "dispatched", "refused", "spec": {…}}
 * backend:  {"frontend", "route", "selector", "id", "address", "node", "mode", "admin": "ready|drain|disabled",
 *            "healthy", "weight", "effectiveWeight", "active", "served", "failed"}
 *   mode: how the front end serves the backend's clients — "handoff", "splice (other host)",
 *         "splice (no handoff socket)", … for a handoff front end, else its mode ("transport", "content", "process")
 * a handoff front end adds to its frontend object:
 *           "handedOff", "splicedFallback" (counters), "backendModes": {"&lt;backend id&gt;": "&lt;mode&gt;", …}
 * error:    {"error": "one line", "code": "NOT_FOUND"}
 * </pre>
 */
public final class AdminJson {
    static final ObjectMapper JSON = new ObjectMapper();

    private AdminJson() {
    }

    static ObjectNode frontend(Frontend f) {
        ObjectNode o = JSON.createObjectNode();
        o.put("name", f.spec().name());
        o.put("address", f.address().getHostString() + ":" + f.address().getPort());
        o.put("protocol", f.spec().protocol().name().toLowerCase(Locale.ROOT));
        o.put("mode", f.spec().mode().name().toLowerCase(Locale.ROOT));
        o.put("clientConnections", f.clientConnections());
        o.put("dispatched", f.dispatched());
        o.put("refused", f.refused());
        if (f instanceof HandoffFrontend h) {
            o.put("handedOff", h.handedOff());
            o.put("splicedFallback", h.fallenBack());
        }
        o.set("spec", FrontendSpecJson.toJson(f.spec()));
        return o;
    }

    static ObjectNode backend(SwitchAdmin.RouteBackend rb) {
        BackendStatus s = rb.status();
        ObjectNode o = JSON.createObjectNode();
        o.put("frontend", rb.frontend());
        o.put("route", rb.route());
        o.put("selector", rb.selector());
        o.put("id", s.id());
        o.put("address", s.address());
        o.put("node", s.node());
        o.put("mode", rb.mode());
        o.put("admin", s.admin().name().toLowerCase(Locale.ROOT));
        o.put("healthy", s.healthy());
        o.put("weight", s.weight());
        o.put("effectiveWeight", s.effectiveWeight());
        o.put("active", s.active());
        o.put("served", s.served());
        o.put("failed", s.failed());
        return o;
    }

    static ObjectNode error(String message, String code) {
        ObjectNode o = JSON.createObjectNode();
        o.put("error", message.replace('\n', ' '));
        o.put("code", code);
        return o;
    }
}
