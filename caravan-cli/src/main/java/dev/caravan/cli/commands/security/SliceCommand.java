package dev.caravan.cli.commands.security;

import dev.caravan.node.slice.SliceDefinition;
import dev.caravan.node.slice.SliceRegistry;
import dev.caravan.node.slice.SliceUsageReport;
import dev.caravan.wire.ErrorCode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code caravan slice create|quota|ls}: the cluster's slices (tenants) and their quotas, kept as
 * files in the policy directory every node reads ({@link SliceRegistry}; {@code caravan node --slices-dir}).
 */
@Command(name = "slice", mixinStandardHelpOptions = true, description = "Manage tenant slices and their quotas.",
        subcommands = {SliceCommand.Create.class, SliceCommand.Quota.class, SliceCommand.Ls.class})
public final class SliceCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this), "give a subcommand: create, quota or ls");
    }

    /** Options shared by the subcommands. */
    static class Dir {
        @Option(names = "--slices-dir", defaultValue = ".caravan/slices", description = "the slice definitions every node reads (default: ${DEFAULT-VALUE}, where 'caravan up' with its default"
                + " --work-dir points its nodes; otherwise give the nodes' --slices-dir)")
        Path dir;
    }

    /** A slice name (as {@link dev.caravan.wire.security.Identity#checkSlice}, not empty), else a usage error. */
    static void checkName(picocli.CommandLine.Model.CommandSpec spec, String name) {
        dev.caravan.cli.options.UsageCheck.check(spec, () -> new SliceDefinition(name, 0, 0, 0));
    }

    /** Quota options; unset ones keep their value (0: no limit). */
    static class Quotas {
        @Option(names = "--memory", converter = dev.caravan.cli.options.SizeConverter.class,
                description = "paged memory of all the slice's processes together, e.g. 4g (0: no limit)")
        Long memoryBytes;

        @Option(names = "--processes", description = "processes the slice may run at once, cluster-wide (0: no limit)")
        Integer processes;

        @Option(names = "--connections", description = "client connections of its processes (0: no limit)")
        Integer connections;

        SliceDefinition over(SliceDefinition base) {
            return new SliceDefinition(base.name(), memoryBytes != null ? memoryBytes : base.memoryBytes(),
                    processes != null ? processes : base.processes(), connections != null ? connections : base.connections());
        }
    }

    /** {@code caravan slice create NAME}. */
    @Command(name = "create", mixinStandardHelpOptions = true, description = "Create a slice.")
    public static final class Create implements Callable<Integer> {
        @picocli.CommandLine.Spec
        picocli.CommandLine.Model.CommandSpec spec;
        @Parameters(paramLabel = "NAME", description = "1-32 lower-case letters, digits or '-'")
        String name;
        @picocli.CommandLine.Mixin
        Dir dir;
        @picocli.CommandLine.ArgGroup(exclusive = false)
        Quotas quotas = new Quotas();

        @Override
        public Integer call() throws Exception {
            checkName(spec, name);
            SliceRegistry registry = new SliceRegistry(dir.dir);
            if (registry.get(name).isPresent()) {
                throw ErrorCode.ALREADY_EXISTS.exception("slice " + name + " exists; change it with 'caravan slice quota " + name + "'");
            }
            registry.put(quotas.over(new SliceDefinition(name, 0, 0, 0)));
            System.out.println("slice " + name + " created in " + dir.dir);
            return 0;
        }
    }

    /** {@code caravan slice quota NAME}. */
    @Command(name = "quota", mixinStandardHelpOptions = true, description = "Change a slice's quotas.")
    public static final class Quota implements Callable<Integer> {
        @picocli.CommandLine.Spec
        picocli.CommandLine.Model.CommandSpec spec;
        @Parameters(paramLabel = "NAME")
        String name;
        @picocli.CommandLine.Mixin
        Dir dir;
        @picocli.CommandLine.ArgGroup(exclusive = false)
        Quotas quotas = new Quotas();

        @Override
        public Integer call() throws Exception {
            checkName(spec, name);
            if (quotas == null || quotas.memoryBytes == null && quotas.processes == null && quotas.connections == null) {
                throw dev.caravan.cli.options.UsageCheck.usage(spec, "give the quotas to change: --memory, --processes and/or"
                        + " --connections");
            }
            SliceRegistry registry = new SliceRegistry(dir.dir);
            SliceDefinition before = registry.get(name).orElseThrow(() -> ErrorCode.NOT_FOUND.exception("no slice " + name
                    + " in " + dir.dir + ": create it with 'caravan slice create " + name + "'"));
            registry.put(quotas.over(before));
            System.out.println("slice " + name + " quotas changed; nodes apply them at the next deploy");
            return 0;
        }
    }

    /** {@code caravan slice ls}: quotas from the policy directory, usage from naming (per node and cluster-wide). */
    @Command(name = "ls", mixinStandardHelpOptions = true, description = "List slices: their quotas and what they use,"
            + " per node and cluster-wide (from naming).")
    public static final class Ls implements Callable<Integer> {
        @picocli.CommandLine.Mixin
        Dir dir;
        @picocli.CommandLine.Mixin
        dev.caravan.cli.ClusterOptions cluster;
        @Option(names = "--json", description = "print {\"version\":1,\"slices\":[{name, quota, usage{processes, memoryBytes, nodes}}]}")
        boolean json;
        @Option(names = "--no-usage", description = "quotas only: do not ask naming")
        boolean noUsage;

        @Override
        public Integer call() {
            java.util.Map<String, SliceDefinition> defined = new java.util.TreeMap<>();
            new SliceRegistry(dir.dir).list().forEach(s -> defined.put(s.name(), s));
            SliceUsageReport usage = new SliceUsageReport(java.util.Map.of());
            if (!noUsage) {
                try (dev.caravan.naming.NamingService naming = cluster.naming("slice-ls")) {
                    usage = SliceUsageReport.from(naming.list("process/"));
                } catch (Exception e) {
                    System.err.println("usage unknown: naming does not answer (" + e.getMessage() + "); showing quotas only");
                }
            }
            java.util.Set<String> names = new java.util.TreeSet<>(defined.keySet());
            names.addAll(usage.bySlice().keySet());
            if (json) {
                java.util.List<Object> rows = new java.util.ArrayList<>();
                for (String n : names) {
                    rows.add(jsonRow(n, defined.get(n), usage.of(n)));
                }
                dev.caravan.cli.out.Json.print(java.util.Map.of("version", 1, "slices", rows));
                return 0;
            }
            System.out.printf("%-32s %12s %24s %12s%n", "SLICE", "PROCESSES", "MEMORY", "CONNECTIONS");
            for (String n : names) {
                SliceDefinition d = defined.get(n);
                SliceUsageReport.Use u = usage.of(n);
                System.out.printf("%-32s %12s %24s %12s%n", d == null ? n + " (undefined)" : n,
                        u.processes() + "/" + (d == null ? "-" : SliceDefinition.shown(d.processes())),
                        dev.caravan.launch.Sizes.human(u.memoryBytes()) + "/" + (d == null || d.memoryBytes() == 0 ? "-"
                                : dev.caravan.launch.Sizes.human(d.memoryBytes())),
                        d == null ? "-" : SliceDefinition.shown(d.connections()));
                u.byNode().forEach((node, on) -> System.out.printf("  on %-29s %12d %24s%n", node, on.processes(),
                        dev.caravan.launch.Sizes.human(on.memoryBytes())));
            }
            return 0;
        }

        private static java.util.Map<String, Object> jsonRow(String name, SliceDefinition d, SliceUsageReport.Use u) {
            java.util.Map<String, Object> row = new java.util.LinkedHashMap<>();
            row.put("name", name);
            row.put("defined", d != null);
            if (d != null) {
                row.put("quota", java.util.Map.of("memoryBytes", d.memoryBytes(), "processes", d.processes(),
                        "connections", d.connections()));
            }
            java.util.Map<String, Object> nodes = new java.util.TreeMap<>();
            u.byNode().forEach((node, on) -> nodes.put(node, java.util.Map.of("processes", on.processes(),
                    "memoryBytes", on.memoryBytes())));
            java.util.Map<String, Object> use = new java.util.LinkedHashMap<>();
            use.put("processes", u.processes());
            use.put("memoryBytes", u.memoryBytes());
            use.put("nodes", nodes);
            row.put("usage", use);
            return row;
        }
    }
}
