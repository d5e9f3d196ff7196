package dev.caravan.cli.bench.switching;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caravan.core.time.Clock;
import dev.caravan.switching.admin.AdminClient;
import dev.caravan.wire.ErrorCode;
import dev.caravan.wire.net.HostPort;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The bench's front ends on the switch, declared at runtime through its admin API
 * ({@code POST /frontends}, see docs/switch.md), each on a free loopback port, each with one
 * round-robin route to {@code label:service=<service>}:
 * <pre>
 * bench-transport  tcp   transport   one replica per client connection, bytes relayed
 * bench-content    http  content     each request routed on its own
 * bench-handoff    http  handoff     the client connection passed to the replica's node after the first request
 * </pre>
 * and the automatic process front end {@code process-<name>} of the Redis-compatible process.
 * A front end is ready when the switch lists every replica as a healthy backend of it.
 *
 * <p>Threading: used by one thread.
 */
public final class SwitchFrontDoors {
    private static final long READY_TIMEOUT_MS = 30_000;

    private final AdminClient admin;

    public SwitchFrontDoors(InetSocketAddress adminAddress) {
        this.admin = new AdminClient(adminAddress, "", Duration.ofSeconds(10));
    }

    /**
     * Declares a front end and waits until all {@code replicas} backends are healthy in it.
     *
     * @param healthLikeHaproxy true: limits {@code fall 1000, rise 1, slowStartMs 0}, so neither the
     *                          passive checks (errors, latency outliers) nor slow start act during
     *                          a run — what HAProxy does with servers declared without {@code check};
     *                          false: the switch's default limits
     * @return the address it listens on
     */
    public InetSocketAddress declare(String name, String protocol, String mode, String service, int replicas,
                                     boolean healthLikeHaproxy) {
        ObjectNode spec = JsonNodeFactory.instance.objectNode();
        spec.put("name", name);
        spec.put("listen", "127.0.0.1:0");
        spec.put("protocol", protocol);
        spec.put("mode", mode);
        spec.put("backends", "label:service=" + service);
        spec.put("policy", "round-robin");
        if (healthLikeHaproxy) {
            ObjectNode limits = spec.putObject("limits");
            limits.put("fall", 1000);
            limits.put("rise", 1);
            limits.put("slowStartMs", 0);
        }
        JsonNode created = admin.post("/frontends", spec.toString());
        InetSocketAddress at = HostPort.parse(created.path("frontend").path("address").asText());
        awaitBackends(name, replicas);
        return at;
    }

    /**
     * The address of the automatic process front end {@code process-<process>}, once the switch
     * opened it and it answers {@code PING} with {@code +PONG} (a process front end has no pool
     * of backends to wait for).
     */
    public InetSocketAddress processFrontend(String process) {
        String name = "process-" + process;
        long deadline = Clock.system().nanoTime() + TimeUnit.MILLISECONDS.toNanos(READY_TIMEOUT_MS);
        while (true) {
            for (JsonNode f : admin.get("/frontends").path("frontends")) {
                if (f.path("name").asText().equals(name)) {
                    InetSocketAddress at = HostPort.parse(f.path("address").asText());
                    if (pong(at)) {
                        return at;
                    }
                }
            }
            if (Clock.system().nanoTime() > deadline) {
                throw ErrorCode.TIMEOUT.exception("the switch's front end " + name + " did not answer PING within "
                        + READY_TIMEOUT_MS + " ms");
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
        }
    }

    private static boolean pong(InetSocketAddress at) {
        try (Socket s = new Socket()) {
            s.connect(at, 2000);
            s.setSoTimeout(5000);
            s.getOutputStream().write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            byte[] reply = new byte[7];
            int n = 0;
            while (n < reply.length) {
                int r = s.getInputStream().read(reply, n, reply.length - n);
                if (r < 0) {
                    return false;
                }
                n += r;
            }
            return new String(reply, StandardCharsets.US_ASCII).equals("+PONG\r\n");
        } catch (IOException e) {
            return false;
        }
    }

    /** Requests each backend served, by front end then backend id (the admin API's {@code served}). */
    public Map<String, Map<String, Long>> served() {
        Map<String, Map<String, Long>> out = new TreeMap<>();
        for (JsonNode b : admin.get("/backends").path("backends")) {
            out.computeIfAbsent(b.path("frontend").asText(), k -> new LinkedHashMap<>()).merge(b.path("id").asText(),
                    b.path("served").asLong(), Long::sum);
        }
        return out;
    }

    private void awaitBackends(String frontend, int expected) {
        long deadline = Clock.system().nanoTime() + TimeUnit.MILLISECONDS.toNanos(READY_TIMEOUT_MS);
        String seen = "";
        while (true) {
            int healthy = 0;
            StringBuilder s = new StringBuilder();
            for (JsonNode b : admin.get("/backends?frontend=" + AdminClient.segment(frontend)).path("backends")) {
                s.append(b.path("id").asText()).append(b.path("healthy").asBoolean() ? "(healthy) " : "(not healthy) ");
                if (b.path("healthy").asBoolean() && b.path("admin").asText().equals("ready")) {
                    healthy++;
                }
            }
            seen = s.toString().strip();
            if (healthy >= expected) {
                return;
            }
            if (Clock.system().nanoTime() > deadline) {
                throw ErrorCode.TIMEOUT.exception("front end " + frontend + " has " + healthy + " of " + expected
                        + " healthy backends after " + READY_TIMEOUT_MS + " ms: " + (seen.isEmpty() ? "none" : seen));
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
        }
    }
}
