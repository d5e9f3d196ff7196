package dev.caravan.switching.dns;

import dev.caravan.naming.NamingEntry;
import org.xbill.DNS.Name;
import org.xbill.DNS.TextParseException;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * What the zone holds at one moment, built from naming's {@code process/<name>} entries: the
 * services (processes labelled {@code label.service=<service>}) and the single processes, each
 * by its lower-case name relative to the zone. Immutable; the responder reads one snapshot per
 * query, so no naming round trip happens while answering.
 *
 * <p>A process is left out when it has no data endpoint (port 0 or empty host), when its host
 * does not resolve, or when its name (or its service's) is not a valid DNS name under the zone.
 *
 * @param zone      the zone apex
 * @param serial    the SOA serial: grows with every rebuild
 * @param services  service name → its replicas (naming order)
 * @param processes process name → its replica
 * @param emptyNonTerminals names that exist only as ancestors of other names ({@code _tcp}); they
 *                  answer NODATA, not NXDOMAIN (RFC 8020)
 * @param switches  the addresses of the live switches (naming's {@code switch/<id>} entries whose
 *                  host is a specific address), in id order: the front tier, {@value #FRONT_TIER_NAME}
 */
public record ZoneSnapshot(Name zone, long serial, Map<String, List<Replica>> services, Map<String, Replica> processes,
                           Set<String> emptyNonTerminals, List<InetAddress> switches) {
    /** The name (relative to the zone) that answers with every live switch; it shadows a service or process of that name. */
    public static final String FRONT_TIER_NAME = "switch";

    /** The label under which a process's service is published in naming ({@code label.service}). */
    public static final String SERVICE_ATTRIBUTE = "label.service";

    public ZoneSnapshot {
        services = Map.copyOf(services);
        processes = Map.copyOf(processes);
        emptyNonTerminals = Set.copyOf(emptyNonTerminals);
        switches = List.copyOf(switches);
    }

    /** A snapshot with no switches. */
    public ZoneSnapshot(Name zone, long serial, Map<String, List<Replica>> services, Map<String, Replica> processes,
                        Set<String> emptyNonTerminals) {
        this(zone, serial, services, processes, emptyNonTerminals, List.of());
    }

    /** An empty zone. */
    public static ZoneSnapshot empty(Name zone) {
        return new ZoneSnapshot(zone, 1, Map.of(), Map.of(), Set.of());
    }

    /**
     * Builds a snapshot.
     *
     * @param resolver maps an entry's host to an address, or {@code null} when it does not resolve
     */
    public static ZoneSnapshot build(Name zone, long serial, Collection<NamingEntry> entries,
                                     Function<String, InetAddress> resolver) {
        Map<String, List<Replica>> services = new HashMap<>();
        Map<String, Replica> processes = new HashMap<>();
        java.util.TreeMap<String, InetAddress> switches = new java.util.TreeMap<>();
        for (NamingEntry e : entries) {
            if (e.name().startsWith("switch/") && !e.host().isEmpty()) {
                InetAddress address = resolver.apply(e.host());
                if (address != null && !address.isAnyLocalAddress()) {
                    switches.put(e.name(), address);
                }
                continue;
            }
            if (!e.name().startsWith("process/") || e.port() == 0 || e.host().isEmpty()) {
                continue;
            }
            String process = e.name().substring("process/".length()).toLowerCase(Locale.ROOT);
            InetAddress address = resolver.apply(e.host());
            if (address == null || !validUnder(zone, process)) {
                continue;
            }
            Replica r = new Replica(process, e.node(), address, e.port());
            processes.put(process, r);
            String service = e.attribute(SERVICE_ATTRIBUTE);
            if (service != null && validUnder(zone, "_" + service.toLowerCase(Locale.ROOT) + "._tcp")) {
                services.computeIfAbsent(service.toLowerCase(Locale.ROOT), k -> new ArrayList<>()).add(r);
            }
        }
        services.replaceAll((k, v) -> {
            v.sort((a, b) -> a.process().compareTo(b.process()));
            return List.copyOf(v);
        });
        Set<String> names = new HashSet<>(processes.keySet());
        names.addAll(services.keySet());
        services.keySet().forEach(s -> names.add("_" + s + "._tcp"));
        Set<String> ancestors = new HashSet<>();
        for (String n : names) {
            for (int dot = n.indexOf('.'); dot >= 0; dot = n.indexOf('.', dot + 1)) {
                ancestors.add(n.substring(dot + 1));
            }
        }
        ancestors.removeAll(names);
        return new ZoneSnapshot(zone, serial, services, processes, ancestors, List.copyOf(switches.values()));
    }

    /** Whether {@code relative} is a valid name under {@code zone} (labels ≤ 63, name ≤ 255 bytes). */
    static boolean validUnder(Name zone, String relative) {
        if (relative.isEmpty() || relative.startsWith(".") || relative.endsWith(".") || relative.contains("..")
                || relative.contains("\\")) {
            return false;
        }
        try {
            Name.fromString(relative, zone);
            return true;
        } catch (TextParseException e) {
            return false;
        }
    }
}
