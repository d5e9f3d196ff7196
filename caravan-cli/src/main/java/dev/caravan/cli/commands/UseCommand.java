package dev.caravan.cli.commands;

import dev.caravan.cli.ClusterOptions;
import dev.caravan.client.CaravanClient;
import dev.caravan.client.cod.CodeOnDemand;
import dev.caravan.client.cod.LoadedClientCode;
import dev.caravan.client.cod.Result;
import dev.caravan.wire.CaravanException;
import dev.caravan.wire.ErrorCode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code caravan use}: code on demand. Fetches the client code a process publishes (verified by
 * SHA-256, cached by hash, loaded in a class loader of its own) and runs it, so that this generic
 * command line speaks a protocol it was built without.
 */
@Command(name = "use", mixinStandardHelpOptions = true,
        description = {"Fetch the client code a process publishes and run it (code on demand).",
                "  caravan use ledger1 --list             what its client code offers",
                "  caravan use ledger1 post 12.50 EUR tea  run one of its operations",
                "The code is the jar the process was deployed with (--client-bundle); it is refused unless its bytes hash"
                        + " (SHA-256) to the hash the process announces and to --expect-hash when given. Its hash goes to"
                        + " stderr, its output to stdout. Put -- before ARGs that start with '-'."})
public final class UseCommand implements Callable<Integer> {
    @Mixin
    ClusterOptions cluster;

    @Mixin
    dev.caravan.cli.out.JsonOption output;

    @Parameters(index = "0", paramLabel = "PROCESS", description = "process name")
    String process;

    @Parameters(index = "1..*", arity = "0..*", paramLabel = "ARG", description = "operation and its arguments, as the client"
            + " code's --list shows them")
    List<String> args = new ArrayList<>();

    @Option(names = "--list", description = "print what the client code offers instead of running it (also without ARGs)")
    boolean list;

    @Option(names = "--expect-hash", paramLabel = "SHA256", converter = dev.caravan.cli.options.Sha256Converter.class, description = "refuse the code unless its bundle has this SHA-256")
    String expectHash;

    @Option(names = "--cache-dir", paramLabel = "DIR", description = "where fetched client code is kept by hash (default:"
            + " $XDG_CACHE_HOME/caravan/client-code or ~/.cache/caravan/client-code)")
    Path cacheDir;

    @Override
    public Integer call() {
        CodeOnDemand.Options options = new CodeOnDemand.Options(cacheDir != null ? cacheDir : CodeOnDemand.defaultCacheDir(),
                expectHash != null ? expectHash : "", CodeOnDemand.DEFAULT_MAX_BUNDLE_BYTES);
        try (CaravanClient client = cluster.client()) {
            LoadedClientCode loaded = CodeOnDemand.fetch(client, process, options);
            System.err.println("client code of " + process + ": " + loaded.entryClass() + " from bundle " + loaded.hash()
                    + (loaded.fromCache() ? " (cached copy)" : " (fetched)") + ", SHA-256 verified"
                    + (expectHash != null ? " and pinned" : ""));
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("process", process);
            json.put("hash", loaded.hash());
            json.put("entryClass", loaded.entryClass());
            json.put("fromCache", loaded.fromCache());
            json.put("verified", true);
            if (list || args.isEmpty()) {
                return list(loaded, json);
            }
            Result result = run(loaded, client);
            if (output.json) {
                json.put("ok", result.ok());
                json.put("output", result.text());
                dev.caravan.cli.out.Json.print(json);
            } else if (result.ok()) {
                System.out.println(result.text());
            } else {
                System.err.println("caravan: " + firstLine(result.text()));
            }
            return result.ok() ? 0 : 1;
        }
    }

    private int list(LoadedClientCode loaded, Map<String, Object> json) {
        String description = guarded(loaded, () -> String.valueOf(loaded.code().describe()));
        List<String> commands = guarded(loaded, () -> List.copyOf(loaded.code().commands()));
        if (output.json) {
            json.put("description", description);
            json.put("commands", commands);
            dev.caravan.cli.out.Json.print(json);
        } else {
            System.out.println(description);
            commands.forEach(c -> System.out.println("  caravan use " + process + " " + c));
        }
        return 0;
    }

    /** Runs the loaded code; a failure inside it (not a Caravan error) is one line naming the code. */
    private Result run(LoadedClientCode loaded, CaravanClient client) {
        Result result = guarded(loaded, () -> loaded.code().run(CodeOnDemand.transport(client, process), List.copyOf(args)));
        if (result == null) {
            throw ErrorCode.INTERNAL.exception("the client code of " + process + " (" + loaded.entryClass() + ") returned no result");
        }
        return result;
    }

    private <T> T guarded(LoadedClientCode loaded, java.util.function.Supplier<T> call) {
        try {
            return call.get();
        } catch (CaravanException e) {
            throw e;
        } catch (RuntimeException | LinkageError e) {
            throw ErrorCode.INTERNAL.exception("the client code of " + process + " (" + loaded.entryClass() + ") failed: "
                    + e.getClass().getName() + (e.getMessage() == null ? "" : ": " + firstLine(e.getMessage())));
        }
    }

    private static String firstLine(String text) {
        int nl = text.indexOf('\n');
        return nl < 0 ? text : text.substring(0, nl);
    }
}
