package dev.caravan.launch;

import com.sun.net.httpserver.HttpExchange;
import dev.caravan.naming.LeaseInfo;
import dev.caravan.naming.LocalNamingService;
import dev.caravan.observe.HttpReplies;
import dev.caravan.observe.ObserveServer;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Naming's admin route {@code GET /leases} (token-protected like {@code /events}): every live lease
 * and how long ago its holder last renewed it, which is what {@code caravan nodes} shows as LEASE AGE.
 *
 * <pre>
 * {"version":1,"nowMs":1764441600123,"leases":[
 *   {"id":4611…,"holder":"node/n1","ttlMs":3000,"ageMs":412,"expiresInMs":2588,"entries":["node/n1","process/kv1"]}]}
 * </pre>
 *
 * {@code ageMs}: ms since it was opened or last renewed; {@code expiresInMs}: ms left before naming drops
 * it unless renewed (0 or less: past its TTL, dropped at the reaper's next pass).
 */
final class LeasesRoute implements ObserveServer.Route {
    private final LocalNamingService service;

    LeasesRoute(LocalNamingService service) {
        this.service = service;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        long now = service.clock().millis();
        List<Map<String, Object>> leases = new ArrayList<>();
        for (LeaseInfo l : service.leases()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", l.id());
            m.put("holder", l.holder());
            m.put("ttlMs", l.ttlMs());
            m.put("ageMs", Math.max(0, now - l.renewedAtMs()));
            m.put("expiresInMs", l.expiresAtMs() - now);
            m.put("entries", l.names());
            leases.add(m);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("version", 1);
        body.put("nowMs", now);
        body.put("leases", leases);
        HttpReplies.sendJson(exchange, 200, body);
    }
}
