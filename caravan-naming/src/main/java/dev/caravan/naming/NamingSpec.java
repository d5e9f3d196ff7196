package dev.caravan.naming;

import dev.caravan.wire.ErrorCode;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where the cluster's naming service is, as every daemon's and command's {@code --naming} takes
 * it. Two forms:
 * <ul>
 *   <li>{@code host:port} (scheme {@value #EMBEDDED}): Caravan's own naming daemon
 *       ({@link NamingServer}), reached with {@link RemoteNamingService}; the default, what
 *       {@code ./caravan demo} and {@code caravan up} start;</li>
 *   <li>{@code zk://host:port[,host:port…][/chroot]} (scheme {@value #ZOOKEEPER}): an Apache
 *       ZooKeeper ensemble (the connect string ZooKeeper itself takes, see ZooKeeper's
 *       programmer's guide), served by the {@code caravan-naming-zk} module through
 *       {@link NamingConnections}. The chroot defaults to {@value #DEFAULT_CHROOT}.</li>
 * </ul>
 *
 * @param scheme  {@value #EMBEDDED} or {@value #ZOOKEEPER}
 * @param servers one address for the embedded service, one or more for ZooKeeper (unresolved)
 * @param chroot  the ZooKeeper path every znode lives under (starts with {@code /}); empty for the embedded service
 */
public record NamingSpec(String scheme, List<InetSocketAddress> servers, String chroot) {
    public static final String EMBEDDED = "caravan";
    public static final String ZOOKEEPER = "zk";
    public static final String DEFAULT_CHROOT = "/caravan";
    private static final Pattern HOST_PORT = Pattern.compile("(\\[[0-9a-fA-F:.]+]|[^\\s:/,\\[\\]]+):(\\d{1,5})");
    private static final Pattern CHROOT = Pattern.compile("(/[A-Za-z0-9._-]+)+");

    public NamingSpec {
        Objects.requireNonNull(scheme, "scheme");
        servers = List.copyOf(servers);
        Objects.requireNonNull(chroot, "chroot");
        if (servers.isEmpty()) {
            throw ErrorCode.INVALID_ARGUMENT.exception("naming: no server address");
        }
    }

    /** The embedded naming daemon at {@code address}. */
    public static NamingSpec embedded(InetSocketAddress address) {
        return new NamingSpec(EMBEDDED, List.of(address), "");
    }

    /**
     * Parses {@code host:port} or {@code zk://host:port,host:port/chroot}.
     *
     * @throws dev.caravan.wire.CaravanException INVALID_ARGUMENT, one line naming what is wrong and the accepted forms
     */
    public static NamingSpec parse(String text) {
        Objects.requireNonNull(text, "text");
        String t = text.trim();
        if (t.startsWith(ZOOKEEPER + "://")) {
            String rest = t.substring(ZOOKEEPER.length() + 3);
            int slash = rest.indexOf('/');
            String hosts = slash < 0 ? rest : rest.substring(0, slash);
            String chroot = slash < 0 ? DEFAULT_CHROOT : rest.substring(slash);
            if (!CHROOT.matcher(chroot).matches()) {
                throw invalid(text, "the chroot '" + chroot + "' must be a path such as /caravan (letters, digits, . _ -)");
            }
            List<InetSocketAddress> servers = new ArrayList<>();
            for (String hp : hosts.split(",", -1)) {
                servers.add(hostPort(text, hp));
            }
            return new NamingSpec(ZOOKEEPER, servers, chroot);
        }
        if (t.contains("://")) {
            throw invalid(text, "unknown scheme '" + t.substring(0, t.indexOf("://")) + "'");
        }
        return embedded(hostPort(text, t));
    }

    public boolean isZooKeeper() {
        return ZOOKEEPER.equals(scheme);
    }

    /** The embedded daemon's address. @throws dev.caravan.wire.CaravanException INVALID_ARGUMENT for a ZooKeeper spec */
    public InetSocketAddress embeddedAddress() {
        if (isZooKeeper()) {
            throw ErrorCode.INVALID_ARGUMENT.exception("naming " + this + " is ZooKeeper, not a Caravan naming daemon");
        }
        return servers.getFirst();
    }

    /** ZooKeeper's connect string ({@code host:port,host:port}, no chroot). */
    public String connectString() {
        StringBuilder b = new StringBuilder();
        for (InetSocketAddress a : servers) {
            if (!b.isEmpty()) {
                b.append(',');
            }
            b.append(hostText(a)).append(':').append(a.getPort());
        }
        return b.toString();
    }

    /** The form {@link #parse} reads. */
    @Override
    public String toString() {
        return isZooKeeper() ? ZOOKEEPER + "://" + connectString() + chroot : connectString();
    }

    private static String hostText(InetSocketAddress a) {
        String h = a.getHostString();
        return h.indexOf(':') >= 0 ? "[" + h + "]" : h;
    }

    private static InetSocketAddress hostPort(String text, String hp) {
        Matcher m = HOST_PORT.matcher(hp);
        if (!m.matches()) {
            throw invalid(text, "'" + hp + "' is not host:port");
        }
        int port = Integer.parseInt(m.group(2));
        if (port < 1 || port > 65535) {
            throw invalid(text, "port " + port + " outside 1..65535");
        }
        String host = m.group(1);
        if (host.startsWith("[")) {
            host = host.substring(1, host.length() - 1);
        }
        return InetSocketAddress.createUnresolved(host, port);
    }

    private static RuntimeException invalid(String text, String why) {
        return ErrorCode.INVALID_ARGUMENT.exception("naming '" + text + "': " + why
                + " (use host:port for Caravan's naming daemon or zk://host:port[,host:port…][/chroot] for ZooKeeper)");
    }
}
