package dev.caravan.switching.bench;

import dev.caravan.switching.Backend;
import dev.caravan.switching.BackendSelector;
import dev.caravan.switching.DispatchMode;
import dev.caravan.switching.Dispatcher;
import dev.caravan.switching.Frontend;
import dev.caravan.switching.FrontendProtocol;
import dev.caravan.switching.FrontendSpec;
import dev.caravan.switching.Route;
import dev.caravan.switching.Route.RouteMatch;
import dev.caravan.switching.http.HttpContentFrontend;
import dev.caravan.switching.policy.DispatchKey;
import dev.caravan.switching.policy.PolicyKind;
import dev.caravan.switching.transport.SwitchEventLoops;
import dev.caravan.switching.transport.TestSwitchContext;
import dev.caravan.switching.transport.TransportFrontend;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs one switch front end for {@code src/test/bench/switch-vs-haproxy.sh} (not a test; the
 * suite never runs it): {@code SwitchBenchMain http|tcp THREADS host:port[,host:port...]} prints
 * {@code listening PORT} and serves until its standard input closes.
 *
 * <p>The dispatcher is a plain round robin over the given backends with a fresh ticket per
 * dispatch, completed at once — what an uncontended pool costs, without its bookkeeping.
 */
public final class SwitchBenchMain {
    private SwitchBenchMain() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 3) {
            System.err.println("usage: SwitchBenchMain http|tcp THREADS host:port[,host:port...]");
            System.exit(2);
        }
        boolean http = args[0].equals("http");
        int threads = Integer.parseInt(args[1]);
        List<Backend> backends = new ArrayList<>();
        for (String hp : args[2].split(",")) {
            int colon = hp.lastIndexOf(':');
            backends.add(new Backend("b" + backends.size(),
                    new InetSocketAddress(hp.substring(0, colon), Integer.parseInt(hp.substring(colon + 1))), "n1", null));
        }
        Route route = new Route(RouteMatch.ANY, BackendSelector.parse("prefix:b"), PolicyKind.ROUND_ROBIN, null);
        FrontendSpec spec = new FrontendSpec("bench", new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                FrontendProtocol.HTTP, http ? DispatchMode.CONTENT : DispatchMode.TRANSPORT, List.of(route), null);
        TestSwitchContext context = new TestSwitchContext(Map.of(route, new RoundRobin(backends)));
        try (SwitchEventLoops loops = new SwitchEventLoops(threads, true);
             Frontend f = http ? new HttpContentFrontend(spec, context, loops) : new TransportFrontend(spec, context, loops)) {
            System.out.println("listening " + f.address().getPort());
            System.out.flush();
            while (System.in.read() >= 0) {
                // serve until the script closes our input
            }
            System.err.println("dispatched " + f.dispatched() + " refused " + f.refused());
        }
    }

    private static final class RoundRobin implements Dispatcher {
        private final List<Backend> backends;
        private final AtomicInteger next = new AtomicInteger();

        RoundRobin(List<Backend> backends) {
            this.backends = List.copyOf(backends);
        }

        @Override
        public CompletableFuture<Ticket> dispatch(DispatchKey key) {
            Backend b = backends.get(Math.floorMod(next.getAndIncrement(), backends.size()));
            return CompletableFuture.completedFuture(new Ticket() {
                @Override
                public Backend backend() {
                    return b;
                }

                @Override
                public void onSuccess(long latencyNs) {
                }

                @Override
                public void onFailure(String why) {
                }

                @Override
                public void close() {
                }
            });
        }
    }
}
