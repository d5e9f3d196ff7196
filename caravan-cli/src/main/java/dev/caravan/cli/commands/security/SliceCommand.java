package dev.caravan.cli.commands.security;

import dev.caravan.node.slice.SliceDefinition;
import dev.caravan.node.slice.SliceRegistry;
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
        @Option(names = "--slices-dir", defaultValue = ".caravan/slices", description = "the slice definitions (default: ${DEFAULT-VALUE})")
        Path dir;
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
        @Parameters(paramLabel = "NAME", description = "1-32 lower-case letters, digits or '-'")
        String name;
        @picocli.CommandLine.Mixin
        Dir dir;
        @picocli.CommandLine.ArgGroup(exclusive = false)
        Quotas quotas = new Quotas();

        @Override
        public Integer call() throws Exception {
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
        @Parameters(paramLabel = "NAME")
        String name;
        @picocli.CommandLine.Mixin
        Dir dir;
        @picocli.CommandLine.ArgGroup(exclusive = false)
        Quotas quotas = new Quotas();

        @Override
        public Integer call() throws Exception {
            SliceRegistry registry = new SliceRegistry(dir.dir);
            SliceDefinition before = registry.get(name).orElseThrow(() -> ErrorCode.NOT_FOUND.exception("no slice " + name
                    + " in " + dir.dir + ": create it with 'caravan slice create " + name + "'"));
            registry.put(quotas.over(before));
            System.out.println("slice " + name + " quotas changed; nodes apply them at the next deploy");
            return 0;
        }
    }

    /** {@code caravan slice ls}. */
    @Command(name = "ls", mixinStandardHelpOptions = true, description = "List slices and their quotas.")
    public static final class Ls implements Callable<Integer> {
        @picocli.CommandLine.Mixin
        Dir dir;

        @Override
        public Integer call() {
            System.out.printf("%-32s %14s %10s %12s%n", "SLICE", "MEMORY", "PROCESSES", "CONNECTIONS");
            for (SliceDefinition s : new SliceRegistry(dir.dir).list()) {
                System.out.printf("%-32s %14s %10s %12s%n", s.name(), SliceDefinition.shown(s.memoryBytes()),
                        SliceDefinition.shown(s.processes()), SliceDefinition.shown(s.connections()));
            }
            return 0;
        }
    }
}
