package dev.caravan.node;

import dev.caravan.core.time.Clock;
import dev.caravan.naming.LocalNamingService;
import dev.caravan.naming.NamingEntry;
import dev.caravan.node.slice.SliceDefinition;
import dev.caravan.node.slice.SliceRegistry;
import dev.caravan.observe.Event;
import dev.caravan.observe.EventKind;
import dev.caravan.wire.BodyReader;
import dev.caravan.wire.BodyWriter;
import dev.caravan.wire.CaravanException;
import dev.caravan.wire.ErrorCode;
import dev.caravan.wire.Frame;
import dev.caravan.wire.Op;
import dev.caravan.wire.net.FrameClient;
import dev.caravan.wire.net.FrameConnection;
import dev.caravan.wire.net.FrameHandler;
import dev.caravan.wire.net.FrameServer;
import dev.caravan.wire.net.Hello;
import dev.caravan.wire.node.MigrationMode;
import dev.caravan.wire.node.MigrationRequest;
import dev.caravan.wire.node.NodeStatus;
import dev.caravan.wire.node.ProcessInfo;
import dev.caravan.wire.node.ProcessSpec;
import dev.caravan.wire.node.SecuritySettings;
import dev.caravan.wire.security.Role;
import dev.caravan.wire.security.TokenTable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Roles, tokens, out-of-band cancel by its requester only, and slices, on real nodes in this JVM
 * reached through their real control ports (FrameServer, FrameClient) with tokens from a {@link TokenTable}.
 */
class AuthorizationTest {
    private static final long MIB = 1L << 20;
    private static final String CLUSTER_TOKEN = "cluster-secret";

    @TempDir
    Path tmp;
    private final LocalNamingService naming = new LocalNamingService();
    private final List<AutoCloseable> open = new ArrayList<>();
    private final Map<String, String> tokens = new HashMap<>();
    private TokenTable table = TokenTable.empty();
    private NodeDaemon n1;
    private NodeDaemon n2;

    @BeforeEach
    void startCluster() throws Exception {
        add("vic", Role.VIEWER, "");
        add("otto", Role.OPERATOR, "");
        add("olga", Role.OPERATOR, "");
        add("ada", Role.ADMIN, "");
        add("ta", Role.ADMIN, "alpha");
        add("tb", Role.ADMIN, "beta");
        SliceRegistry slices = new SliceRegistry(tmp.resolve("slices"));
        slices.put(new SliceDefinition("alpha", 0, 2, 0));
        slices.put(new SliceDefinition("beta", 0, 0, 0));
        n1 = start("n1");
        n2 = start("n2");
    }

    private void add(String name, Role role, String slice) {
        TokenTable.Added added = table.add(name, role, slice);
        table = added.table();
        tokens.put(name, added.token());
    }

    private NodeDaemon start(String id) throws Exception {
        NodeConfig loopback = NodeConfig.loopback(id, 0, new InetSocketAddress("127.0.0.1", 1), tmp.resolve(id));
        NodeConfig config = new NodeConfig(id, "127.0.0.1", 0, loopback.naming(), loopback.dataDir(), 3000, CLUSTER_TOKEN, 4096,
                Map.of(), NodeConfig.DEFAULT_STOP_DEADLINE_MS, loopback.chunkPool(), loopback.migration())
                .withProcessMemoryBytes(256 * MIB).withAdminPort(0);
        NodeDaemon n = NodeDaemon.start(config, naming, Clock.system(),
                new NodeAccessSettings(TokenTable.parse(table.format(), "test"), tmp.resolve("slices")),
                dev.caravan.wire.security.TransportSecurity.plaintext(), dev.caravan.wire.security.signing.CodePolicy.allowUnsigned());
        open.add(n);
        return n;
    }

    @AfterEach
    void stopAll() throws Exception {
        for (AutoCloseable c : open.reversed()) {
            c.close();
        }
        naming.close();
    }

    private FrameClient as(String who, NodeDaemon node) {
        FrameClient c = FrameClient.connect(node.controlAddress(), new Hello("test-" + who, tokens.get(who)), Duration.ofSeconds(10));
        open.add(c);
        return c;
    }

    private static ErrorCode codeOf(FrameClient c, int op, byte[] body) {
        try {
            c.request(op, body);
            return null;
        } catch (CaravanException e) {
            return e.code();
        }
    }

    private static byte[] name(String name) {
        return new BodyWriter().string(name).toBytes();
    }

    private static byte[] kv(String name, Map<String, String> config) {
        BodyWriter w = new BodyWriter();
        new ProcessSpec(name, "kv", "", "", 8 * MIB, config).writeTo(w);
        return w.toBytes();
    }

    private static List<String> names(FrameClient c) {
        BodyReader r = c.request(Op.NODE_LIST, new byte[0]);
        int n = r.i32();
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(ProcessInfo.readFrom(r).name());
        }
        return out;
    }

    @Test
    void shouldAllowEachRoleItsOpsAndRefuseTheRestWithOneLineAndAnEvent() {
        Map<String, FrameClient> by = new HashMap<>();
        for (String who : List.of("vic", "otto", "ada")) {
            by.put(who, as(who, n1));
        }
        // viewer: status yes; uncordon (operator), stop (admin), balance probe (node) no.
        assertThat(codeOf(by.get("vic"), Op.NODE_STATUS, new byte[0])).isNull();
        assertThat(codeOf(by.get("vic"), Op.NODE_UNCORDON, new byte[0])).isEqualTo(ErrorCode.FORBIDDEN);
        assertThat(codeOf(by.get("vic"), Op.NODE_STOP, name("nope"))).isEqualTo(ErrorCode.FORBIDDEN);
        // operator: uncordon yes; stop and balance probe no.
        assertThat(codeOf(by.get("otto"), Op.NODE_UNCORDON, new byte[0])).isNull();
        assertThat(codeOf(by.get("otto"), Op.NODE_STOP, name("nope"))).isEqualTo(ErrorCode.FORBIDDEN);
        assertThat(codeOf(by.get("otto"), Op.BALANCE_PROBE, new byte[0])).isEqualTo(ErrorCode.FORBIDDEN);
        // admin: stop is served (no such process); node-to-node ops and unknown ops of higher rank are not.
        assertThat(codeOf(by.get("ada"), Op.NODE_STOP, name("nope"))).isEqualTo(ErrorCode.NOT_FOUND);
        assertThat(codeOf(by.get("ada"), Op.BALANCE_PROBE, new byte[0])).isEqualTo(ErrorCode.FORBIDDEN);
        assertThat(codeOf(by.get("ada"), Op.MIG_ABORT, name("x"))).isEqualTo(ErrorCode.FORBIDDEN);
        // the cluster token is a node: it may probe.
        FrameClient node = FrameClient.connect(n1.controlAddress(), new Hello("peer", CLUSTER_TOKEN), Duration.ofSeconds(10));
        open.add(node);
        assertThat(codeOf(node, Op.BALANCE_PROBE, new byte[0])).isNull();

        assertThatThrownBy(() -> by.get("vic").request(Op.NODE_MIGRATE, new byte[0]))
                .hasMessage("vic (role viewer) may not NODE_MIGRATE: needs operator");
        Event refused = n1.events().about("vic", 10).getLast();
        assertThat(refused.kind()).isEqualTo(EventKind.REQUEST_REFUSED);
        assertThat(refused.fields()).containsEntry("op", "NODE_MIGRATE").containsEntry("role", "viewer");
        assertThat(refused.message()).isEqualTo("node n1 refused NODE_MIGRATE: vic (role viewer) may not NODE_MIGRATE: needs operator");
    }

    @Test
    void shouldRefuseAnUnknownTokenAtTheHandshake() {
        assertThatThrownBy(() -> FrameClient.connect(n1.controlAddress(), new Hello("x", "cvt_forged"), Duration.ofSeconds(10)))
                .isInstanceOfSatisfying(CaravanException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.UNAUTHENTICATED));
    }

    @Test
    void shouldLetOnlyTheRequesterCancelAMigration() throws Exception {
        // A destination that takes the migration's first step and holds it until released: the move stays running.
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch begun = new CountDownLatch(1);
        FrameServer holder = new FrameServer("holder", new InetSocketAddress("127.0.0.1", 0), new FrameHandler() {
            @Override
            public Frame onFrame(FrameConnection connection, Frame request) throws Exception {
                begun.countDown();
                release.await(30, TimeUnit.SECONDS);
                throw ErrorCode.UNAVAILABLE.exception("holder (test) refuses");
            }
        }, CLUSTER_TOKEN, 8, Frame.DEFAULT_MAX_FRAME_BYTES);
        open.add(holder);
        long lease = naming.openLease("node/held", 30_000).id();
        naming.register(lease, new NamingEntry("node/held", "held", "127.0.0.1", holder.port(), 1, Map.of(), lease));
        n1.startProcess(new ProcessSpec("kv1", "kv", "", "", 8 * MIB, Map.of()));

        FrameClient otto = as("otto", n1);
        BodyWriter m = new BodyWriter();
        new MigrationRequest("kv1", "held", MigrationMode.PRE_COPY, 50, 5, 2, false, "", "").writeTo(m);
        CompletableFuture<Frame> move = otto.callAsync(Op.NODE_MIGRATE, m.toBytes());
        try {
            assertThat(begun.await(20, TimeUnit.SECONDS)).isTrue();
            assertThat(n1.migration().isMoving("kv1")).isTrue();

            assertThatThrownBy(() -> as("olga", n1).request(Op.NODE_MIGRATE_CANCEL, name("kv1")))
                    .hasMessage("olga may not cancel the move of kv1: it was requested by otto; only its requester may");
            assertThat(codeOf(as("ada", n1), Op.NODE_MIGRATE_CANCEL, name("kv1"))).isEqualTo(ErrorCode.FORBIDDEN);
            assertThat(n1.events().about("olga", 10)).extracting(Event::kind).containsExactly(EventKind.REQUEST_REFUSED);

            assertThat(codeOf(as("otto", n1), Op.NODE_MIGRATE_CANCEL, name("kv1"))).isNull();
        } finally {
            release.countDown();
        }
        assertThat(move.get(30, TimeUnit.SECONDS).type()).isIn(Op.OK, Op.ERROR);
    }

    @Test
    void shouldCountOnlyATenantsOwnProcessesInTheNodeStatus() {
        as("ta", n1).request(Op.NODE_START, kv("a1", Map.of()));
        as("tb", n1).request(Op.NODE_START, kv("b1", Map.of()));
        as("tb", n1).request(Op.NODE_START, kv("b2", Map.of()));
        as("ada", n1).request(Op.NODE_START, kv("g1", Map.of()));

        NodeStatus alpha = NodeStatus.readFrom(as("ta", n1).request(Op.NODE_STATUS, new byte[0]));
        NodeStatus beta = NodeStatus.readFrom(as("tb", n1).request(Op.NODE_STATUS, new byte[0]));
        NodeStatus all = NodeStatus.readFrom(as("vic", n1).request(Op.NODE_STATUS, new byte[0]));

        assertThat(alpha.processCount()).isEqualTo(1);
        assertThat(beta.processCount()).isEqualTo(2);
        assertThat(all.processCount()).isEqualTo(4);
        assertThat(alpha.allocatedBytes()).isEqualTo(n1.hosted("a1").memory().allocatedBytes());
        assertThat(all.allocatedBytes()).isGreaterThanOrEqualTo(alpha.allocatedBytes());
        assertThat(alpha.reservedBytes()).as("placement still sees the node's reservations").isEqualTo(all.reservedBytes());
    }

    @Test
    void shouldKeepTwoTenantsApartAndHoldTheirSliceQuota() {
        FrameClient ta1 = as("ta", n1);
        FrameClient tb1 = as("tb", n1);
        // A tenant cannot choose another slice: refused; naming its own is fine.
        assertThatThrownBy(() -> ta1.request(Op.NODE_START, kv("a1", Map.of(SecuritySettings.SLICE, "beta"))))
                .isInstanceOfSatisfying(CaravanException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.FORBIDDEN))
                .hasMessage("ta (slice alpha) may not deploy into slice beta: a tenant deploys into its own slice only");
        ta1.request(Op.NODE_START, kv("a1", Map.of(SecuritySettings.SLICE, "alpha")));
        tb1.request(Op.NODE_START, kv("b1", Map.of()));
        assertThat(n1.hosted("a1").spec().config()).containsEntry(SecuritySettings.SLICE, "alpha")
                .containsEntry(SecuritySettings.OWNER, "ta");

        assertThat(names(ta1)).containsExactly("a1");
        assertThat(names(tb1)).containsExactly("b1");
        assertThat(names(as("vic", n1))).containsExactly("a1", "b1");
        for (int op : List.of(Op.NODE_STOP, Op.NODE_INSPECT, Op.NODE_MIGRATE_CANCEL, Op.NODE_AGENT_RECALL)) {
            assertThatThrownBy(() -> ta1.request(op, name("b1"))).hasMessage("no process b1 on node n1");
        }
        assertThat(n1.hostsProcess("b1")).isTrue();
        assertThat(codeOf(ta1, Op.NODE_STOP, name("a1"))).isNull();
        // A tenant acts on its slice, not on the node.
        assertThat(codeOf(ta1, Op.NODE_CORDON, new byte[0])).isEqualTo(ErrorCode.FORBIDDEN);

        // alpha may run 2 processes: the third is refused on this node, then cluster-wide from another.
        ta1.request(Op.NODE_START, kv("a2", Map.of()));
        ta1.request(Op.NODE_START, kv("a3", Map.of()));
        assertThatThrownBy(() -> ta1.request(Op.NODE_START, kv("a4", Map.of())))
                .isInstanceOfSatisfying(CaravanException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.QUOTA_EXCEEDED))
                .hasMessage("slice alpha may run 2 process(es); deploying a4 would make 3 on node n1");
        assertThatThrownBy(() -> as("ta", n2).request(Op.NODE_START, kv("a4", Map.of())))
                .hasMessage("slice alpha may run 2 process(es); deploying a4 would make 3 cluster-wide");
        // An admin of the whole cluster may deploy into a slice, and the quota holds for it too.
        assertThatThrownBy(() -> as("ada", n2).request(Op.NODE_START, kv("a4", Map.of(SecuritySettings.SLICE, "alpha"))))
                .isInstanceOfSatisfying(CaravanException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.QUOTA_EXCEEDED));
        assertThatThrownBy(() -> as("ada", n2).request(Op.NODE_START, kv("g1", Map.of(SecuritySettings.SLICE, "gamma"))))
                .hasMessageStartingWith("slice gamma is not defined in ");
    }

    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

    /** GET {@code path} on the node's admin port with {@code who}'s token: the status and the body. */
    private java.net.http.HttpResponse<String> admin(NodeDaemon node, String who, String path) throws Exception {
        InetSocketAddress a = node.adminAddress().orElseThrow();
        java.net.http.HttpRequest get = java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + a.getPort() + path))
                .header("Authorization", "Bearer " + (tokens.containsKey(who) ? tokens.get(who) : who))
                .timeout(Duration.ofSeconds(10)).build();
        try (java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient()) {
            return http.send(get, java.net.http.HttpResponse.BodyHandlers.ofString());
        }
    }

    /** The events {@code who} reads on the node's admin port. */
    private List<Event> eventsAs(NodeDaemon node, String who) throws Exception {
        java.net.http.HttpResponse<String> r = admin(node, who, "/events");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        List<Event> out = new ArrayList<>();
        for (Object e : (List<?>) JSON.readValue(r.body(), Map.class).get("events")) {
            out.add(Event.fromJson((Map<?, ?>) e));
        }
        return out;
    }

    @Test
    void shouldTagEveryProcessEventWithItsSliceAndShowATenantOnlyItsSlicesEvents() throws Exception {
        FrameClient ta1 = as("ta", n1);
        FrameClient tb1 = as("tb", n1);
        ta1.request(Op.NODE_START, kv("a1", Map.of()));
        tb1.request(Op.NODE_START, kv("b1", Map.of()));
        assertThat(codeOf(ta1, Op.NODE_CORDON, new byte[0])).isEqualTo(ErrorCode.FORBIDDEN);
        // a1 moves to n2 at ta's request: the events of both ends carry alpha.
        BodyWriter m = new BodyWriter();
        new MigrationRequest("a1", "n2", MigrationMode.PRE_COPY, 50, 5, 2, false, "", "").writeTo(m);
        ta1.callAsync(Op.NODE_MIGRATE, m.toBytes()).get(30, TimeUnit.SECONDS);
        tb1.request(Op.NODE_STOP, name("b1"));

        for (Event e : n1.events().since(0)) {
            if (e.subject().equals("a1")) {
                assertThat(e.fields()).as(e.toString()).containsEntry("slice", "alpha");
            } else if (e.subject().equals("b1")) {
                assertThat(e.fields()).as(e.toString()).containsEntry("slice", "beta");
            }
        }
        assertThat(n2.events().about("a1", 20)).extracting(Event::kind).contains(EventKind.PROCESS_ARRIVED);
        assertThat(n2.events().about("a1", 20)).allSatisfy(e -> assertThat(e.fields()).containsEntry("slice", "alpha"));

        List<Event> alpha = eventsAs(n1, "ta");
        assertThat(alpha).allSatisfy(e -> assertThat(e.fields()).containsEntry("slice", "alpha"));
        assertThat(alpha).extracting(Event::kind).contains(EventKind.PROCESS_DEPLOYED, EventKind.MIGRATION_COMMITTED,
                EventKind.REQUEST_REFUSED);
        assertThat(eventsAs(n1, "tb")).extracting(Event::subject).contains("b1").doesNotContain("a1", "ta", "n1");
        assertThat(eventsAs(n2, "tb")).extracting(Event::subject).doesNotContain("a1");
        assertThat(eventsAs(n1, "vic")).extracting(Event::subject).contains("a1", "b1", "n1");
        assertThat(eventsAs(n1, CLUSTER_TOKEN)).extracting(Event::subject).contains("a1", "b1");
        assertThat(admin(n1, "cvt_forged", "/events").statusCode()).isEqualTo(401);
        assertThat(admin(n1, "ta", "/logs").statusCode()).isEqualTo(403);

        // The live stream too: tb's watch hands on b1's events, never a1's (published before them).
        java.net.http.HttpRequest watch = java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:"
                        + n1.adminAddress().orElseThrow().getPort() + "/events?watch=true"))
                .header("Authorization", "Bearer " + tokens.get("tb")).build();
        try (java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient()) {
            CompletableFuture<List<String>> seen = CompletableFuture.supplyAsync(() -> {
                try (java.util.stream.Stream<String> lines = http.send(watch, java.net.http.HttpResponse.BodyHandlers.ofLines()).body()) {
                    List<String> subjects = new ArrayList<>();
                    java.util.Iterator<String> it = lines.iterator();
                    while (it.hasNext() && !subjects.contains("b1")) {
                        String line = it.next();
                        if (line.startsWith("data: ")) {
                            subjects.add(Event.fromJson(JSON.readValue(line.substring(6), Map.class)).subject());
                        }
                    }
                    return subjects;
                } catch (Exception e) {
                    throw new java.util.concurrent.CompletionException(e);
                }
            });
            assertThat(seen.get(20, TimeUnit.SECONDS)).containsOnly("b1");
        }
    }

    @Test
    void shouldKeepATenantFromFetchingOrStartingAnotherSlicesBundle() throws Exception {
        java.io.ByteArrayOutputStream empty = new java.io.ByteArrayOutputStream();
        new java.util.jar.JarOutputStream(empty).close();
        FrameClient ta1 = as("ta", n1);
        FrameClient tb1 = as("tb", n1);
        String hash = tb1.request(Op.NODE_PUT_BUNDLE, new BodyWriter().string("").bytes(empty.toByteArray()).toBytes()).string();
        byte[] get = new BodyWriter().string(hash).toBytes();

        assertThat(codeOf(tb1, Op.NODE_GET_BUNDLE, get)).isNull();
        assertThatThrownBy(() -> ta1.request(Op.NODE_GET_BUNDLE, get)).hasMessage("no bundle " + hash + " on node n1");
        BodyWriter start = new BodyWriter();
        new ProcessSpec("a9", "", hash, "some.Main", 8 * MIB, Map.of()).writeTo(start);
        assertThatThrownBy(() -> ta1.request(Op.NODE_START, start.toBytes()))
                .isInstanceOfSatisfying(CaravanException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND))
                .hasMessageStartingWith("no bundle " + hash + " put by slice alpha on node n1");
        // Its owner gets past the bundle check (the class is not there: another refusal).
        assertThatThrownBy(() -> tb1.request(Op.NODE_START, start.toBytes())).message().doesNotStartWith("no bundle");
        // Whoever puts the same bytes has them: content-addressed.
        ta1.request(Op.NODE_PUT_BUNDLE, new BodyWriter().string("").bytes(empty.toByteArray()).toBytes());
        assertThat(codeOf(ta1, Op.NODE_GET_BUNDLE, get)).isNull();
    }
}
