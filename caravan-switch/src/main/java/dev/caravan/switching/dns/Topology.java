package dev.caravan.switching.dns;

import dev.caravan.wire.ErrorCode;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which replicas are close to which clients: client subnets mapped to an ordered list of
 * preferred nodes or zones. The DNS dispatcher answers a client with the replica of best rank.
 *
 * <p>File format (UTF-8, one statement a line, {@code #} starts a comment):
 * <pre>
 *   zone &lt;zone-name&gt; &lt;node-id&gt; [&lt;node-id&gt; ...]     # declares which nodes form a zone
 *   &lt;subnet&gt; &lt;preference&gt; [&lt;preference&gt; ...]          # a client rule
 *
 *   subnet:     ADDRESS/BITS (IPv4 or IPv6, host bits zero) or a bare ADDRESS (/32, /128)
 *   preference: a node id (n1), zone:&lt;zone-name&gt;, or same-host; the first is the closest
 * </pre>
 * {@value #SAME_HOST} matches a replica whose data endpoint address is the asking client's own
 * address: a client on a host that runs a replica gets it first, with one rule for every host
 * ({@code 10.0.0.0/8 same-host zone:eu}) instead of one {@code /32} rule per host. It compares
 * addresses only: a host whose clients leave by another address than its replicas listen on needs
 * explicit rules.
 * Example:
 * <pre>
 *   zone eu n1 n2
 *   zone us n3
 *   127.0.0.2/32  n1 zone:us
 *   10.0.0.0/8    same-host zone:eu zone:us
 * </pre>
 *
 * <p>Ranking: the rule whose subnet contains the client with the longest prefix applies (as in IP
 * routing). A replica's rank is the index of the first preference that names its node or the
 * zone of its node, or is {@value #SAME_HOST} while the replica is on the client's address; a
 * replica matching none ranks after all of them, as does every replica when no rule applies. Replicas of equal rank are ordered by a hash of (client address, process)
 * (rendezvous hashing): one client keeps getting the same replica, different clients spread.
 *
 * <p>Validation (all at load, with file and line): unknown statements, bad subnets, a subnet
 * given twice, a zone declared twice, a node in two zones, and a {@code zone:} preference naming
 * an undeclared zone are {@code INVALID_ARGUMENT}.
 *
 * <p>Immutable and thread-safe.
 */
public final class Topology {
    /** No rules: every replica is equally close; ties broken by the client hash. */
    public static final Topology NONE = new Topology(List.of(), Map.of());
    /** The preference that matches a replica on the client's own address. */
    public static final String SAME_HOST = "same-host";

    private record Rule(Cidr subnet, List<String> preferences) {
    }

    private final List<Rule> rules;
    private final Map<String, String> zoneOfNode;

    private Topology(List<Rule> rules, Map<String, String> zoneOfNode) {
        this.rules = List.copyOf(rules);
        this.zoneOfNode = Map.copyOf(zoneOfNode);
    }

    /**
     * Reads a topology file.
     *
     * @throws dev.caravan.wire.CaravanException INVALID_ARGUMENT (with the line) when the file is
     *                                           wrong, NOT_FOUND when it cannot be read
     */
    public static Topology load(Path file) {
        String text;
        try {
            if (Files.size(file) > 1 << 20) {
                throw ErrorCode.TOO_LARGE.exception("topology file " + file + " is over 1 MiB");
            }
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw ErrorCode.NOT_FOUND.exception("cannot read topology file " + file + ": " + e.getMessage());
        }
        return parse(text, file.toString());
    }

    /** Parses the text form; {@code source} names it in errors. */
    public static Topology parse(String text, String source) {
        List<Rule> rules = new ArrayList<>();
        Map<String, String> zoneOfNode = new HashMap<>();
        Set<String> zones = new HashSet<>();
        Set<Cidr> subnets = new HashSet<>();
        List<String[]> zoneRefs = new ArrayList<>();
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String where = source + ":" + (i + 1);
            String line = lines[i];
            int hash = line.indexOf('#');
            String[] words = (hash < 0 ? line : line.substring(0, hash)).trim().split("\\s+");
            if (words.length == 1 && words[0].isEmpty()) {
                continue;
            }
            if (words.length < 2) {
                throw invalid(where, "'" + line.trim() + "' needs at least one node or zone after it");
            }
            if (words[0].equals("zone")) {
                if (words.length < 3) {
                    throw invalid(where, "write a zone as: zone <name> <node-id> [<node-id> ...]");
                }
                if (!zones.add(words[1])) {
                    throw invalid(where, "zone " + words[1] + " is declared twice");
                }
                for (int w = 2; w < words.length; w++) {
                    String before = zoneOfNode.putIfAbsent(words[w], words[1]);
                    if (before != null) {
                        throw invalid(where, "node " + words[w] + " is already in zone " + before);
                    }
                }
                continue;
            }
            Cidr subnet;
            try {
                subnet = Cidr.parse(words[0]);
            } catch (RuntimeException e) {
                throw invalid(where, e.getMessage() + " (a line is 'zone ...' or '<subnet> <node-or-zone:name> ...')");
            }
            if (!subnets.add(subnet)) {
                throw invalid(where, "subnet " + subnet + " is given twice");
            }
            List<String> preferences = List.of(words).subList(1, words.length);
            for (String p : preferences) {
                if (p.startsWith("zone:")) {
                    zoneRefs.add(new String[]{where, p.substring("zone:".length())});
                }
            }
            rules.add(new Rule(subnet, preferences));
        }
        for (String[] ref : zoneRefs) {
            if (!zones.contains(ref[1])) {
                throw invalid(ref[0], "zone:" + ref[1] + " is not declared; add a line 'zone " + ref[1] + " <node-id> ...'");
            }
        }
        rules.sort(Comparator.comparingInt((Rule r) -> r.subnet().prefixBits()).reversed());
        return new Topology(rules, zoneOfNode);
    }

    /** How many client rules there are (for the start-up line). */
    public int ruleCount() {
        return rules.size();
    }

    /** The rank of a replica on {@code node} for {@code client}, by node and zone only ({@value #SAME_HOST} never matches). */
    public int rank(InetAddress client, String node) {
        return rank(client, node, null);
    }

    /** The rank of {@code replica} for {@code client}: 0 is closest; see the class comment. */
    public int rank(InetAddress client, Replica replica) {
        return rank(client, replica.node(), replica.address());
    }

    private int rank(InetAddress client, String node, InetAddress replicaAddress) {
        for (Rule r : rules) {
            if (r.subnet().contains(client)) {
                List<String> prefs = r.preferences();
                String zone = zoneOfNode.get(node);
                for (int i = 0; i < prefs.size(); i++) {
                    String p = prefs.get(i);
                    if (p.equals(node) || (zone != null && p.equals("zone:" + zone))
                            || (p.equals(SAME_HOST) && client.equals(replicaAddress))) {
                        return i;
                    }
                }
                return prefs.size();
            }
        }
        return 0;
    }

    /** {@code replicas} ordered closest first for {@code client} (a new list). */
    public List<Replica> order(InetAddress client, List<Replica> replicas) {
        record Ranked(Replica replica, int rank, long hash) {
        }
        byte[] who = client.getAddress();
        List<Ranked> ranked = new ArrayList<>(replicas.size());
        for (Replica r : replicas) {
            ranked.add(new Ranked(r, rank(client, r), rendezvous(who, r.process())));
        }
        ranked.sort(Comparator.comparingInt(Ranked::rank).thenComparingLong(Ranked::hash)
                .thenComparing(x -> x.replica().process()));
        List<Replica> out = new ArrayList<>(ranked.size());
        ranked.forEach(x -> out.add(x.replica()));
        return out;
    }

    /** FNV-1a over the client address and the process name, then a 64-bit finaliser. */
    static long rendezvous(byte[] client, String process) {
        long h = 0xcbf29ce484222325L;
        for (byte b : client) {
            h = (h ^ (b & 0xFF)) * 0x100000001b3L;
        }
        for (byte b : process.getBytes(StandardCharsets.UTF_8)) {
            h = (h ^ (b & 0xFF)) * 0x100000001b3L;
        }
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        return h;
    }

    private static RuntimeException invalid(String where, String what) {
        return ErrorCode.INVALID_ARGUMENT.exception("topology " + where + ": " + what);
    }
}
