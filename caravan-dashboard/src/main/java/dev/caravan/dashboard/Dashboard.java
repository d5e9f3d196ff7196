package dev.caravan.dashboard;

import dev.caravan.client.CaravanClient;
import dev.caravan.core.time.Clock;
import dev.caravan.naming.NamingService;
import dev.caravan.wire.CloseAll;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The dashboard daemon's parts, wired: a {@link ClusterPoller} every {@code tickMs} (its snapshot
 * is what the page shows), a {@link ResponseProbe} on the processes the open pages draw and those
 * that migrate ({@link #probeTargets}), a
 * {@link NodeEventFeeds} on every node's admin port (migrations started elsewhere), the
 * {@link ControlActions} for the page's forms, and the {@link DashboardServer}.
 *
 * <pre>
 *   try (Dashboard d = Dashboard.start(namingAddress, token, new InetSocketAddress("127.0.0.1", 0))) {
 *       System.out.println("dashboard http://" + d.hostPort());
 *   }
 * </pre>
 *
 * The poll loop runs on one virtual thread; {@link #close} stops everything. Thread-safe.
 */
public final class Dashboard implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Dashboard.class.getName());
    /** How often the cluster is polled and the page updated. */
    public static final long TICK_MS = 500;
    /** How often the probe calls each process (the chapter's figure: one point per call). */
    public static final long PROBE_PERIOD_MS = 100;

    private final CaravanClient client;
    private final ProbeSamples samples = new ProbeSamples(50_000);
    private final ShownProcesses shown = new ShownProcesses();
    private final ResponseProbe probe;
    private final ClusterPoller poller;
    private final MigrationTracker migrations;
    private final NodeEventFeeds feeds;
    private final DashboardServer server;
    private final Thread loop;
    private volatile ClusterSnapshot latest = ClusterSnapshot.EMPTY;
    private volatile boolean closed;

    private Dashboard(CaravanClient client, String token, InetSocketAddress bind, Path checkpointDir) throws IOException {
        Clock clock = Clock.system();
        this.client = client;
        NamingService naming = client.naming();
        this.migrations = new MigrationTracker(clock::nowMs);
        this.probe = new ResponseProbe(client, samples, PROBE_PERIOD_MS, clock::nowMs);
        this.poller = new ClusterPoller(naming, token, Duration.ofSeconds(1), samples, clock::nowMs);
        this.feeds = new NodeEventFeeds(token, migrations::onEvent);
        ControlActions actions = new ControlActions(client, token, migrations, checkpointDir, clock::nowMs);
        this.server = DashboardServer.start(bind, token, TICK_MS, () -> latest, migrations, actions, feeds::recent, samples,
                clock::nowMs, shown);
        this.loop = Thread.ofVirtual().name("dashboard-poll").unstarted(this::run);
    }

    /**
     * Connects to naming at {@code namingAddress} and serves the dashboard on {@code bind}.
     *
     * @param token the cluster token ("" for none): the dashboard's own calls use it, and the page's actions need it
     * @throws IOException if {@code bind} cannot be bound
     */
    public static Dashboard start(InetSocketAddress namingAddress, String token, InetSocketAddress bind) throws IOException {
        return start(dev.caravan.naming.NamingSpec.embedded(namingAddress), token, bind);
    }

    /**
     * Connects to the naming service {@code naming} names (the embedded daemon or ZooKeeper) and
     * serves the dashboard on {@code bind}.
     *
     * @param token the cluster token ("" for none): the dashboard's own calls use it, and the page's actions need it
     * @throws IOException if {@code bind} cannot be bound
     */
    public static Dashboard start(dev.caravan.naming.NamingSpec naming, String token, InetSocketAddress bind) throws IOException {
        // The deadline of one call bounds what one probe point can show: a migration's downtime is far below it.
        CaravanClient client = CaravanClient.connect(naming, token, Duration.ofSeconds(20));
        try {
            Dashboard d = new Dashboard(client, token, bind, Path.of(".caravan", "checkpoints"));
            d.loop.start();
            return d;
        } catch (IOException | RuntimeException e) {
            client.close();
            throw e;
        }
    }

    private void run() {
        while (!closed) {
            long t0 = System.nanoTime();
            try {
                ClusterSnapshot s = poller.poll();
                latest = s;
                probe.watch(probeTargets(s, shown.shown(), migrations.snapshot()));
                Set<String> admins = s.nodes().stream().map(ClusterSnapshot.NodeView::admin).filter(a -> !a.isEmpty())
                        .collect(Collectors.toSet());
                feeds.follow(admins);
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                // Naming is away, most likely: show what was known and try again at the next tick.
                LOG.log(System.Logger.Level.WARNING, "dashboard poll failed: " + e.getMessage());
            }
            long restMs = TICK_MS - (System.nanoTime() - t0) / 1_000_000;
            if (restMs > 0) {
                try {
                    Thread.sleep(restMs); // the poll's pace
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    /**
     * The processes to probe: those an open page draws, and those that migrate now (a page follows
     * a running migration), if they run or are busy. No other process is called, so that an idle
     * process stays idle in {@code caravan ps} and in its metrics.
     */
    static Set<String> probeTargets(ClusterSnapshot s, Set<String> shown, java.util.List<MigrationView> migrations) {
        Set<String> wanted = new java.util.HashSet<>(shown);
        migrations.stream().filter(MigrationView::running).map(MigrationView::process).forEach(wanted::add);
        return s.processes().stream().filter(p -> "RUNNING".equals(p.state()) || "BUSY".equals(p.state()))
                .map(ClusterSnapshot.ProcessView::name).filter(wanted::contains).collect(Collectors.toSet());
    }

    /** The server's address. */
    public InetSocketAddress address() {
        return server.address();
    }

    /** {@code host:port} of the page. */
    public String hostPort() {
        return address().getHostString() + ":" + address().getPort();
    }

    @Override
    public void close() {
        closed = true;
        loop.interrupt();
        CloseAll.closeAll("closing the dashboard", server, probe, feeds, poller, client);
    }
}
