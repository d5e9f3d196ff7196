package dev.caravan.cli.commands.servers;

import dev.caravan.core.time.Clock;
import dev.caravan.servers.superserver.ServiceSpec;
import dev.caravan.servers.superserver.Superserver;
import dev.caravan.servers.superserver.SuperserverConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/**
 * {@code caravan superserver --config FILE}: listens on every configured service's port,
 * starts a service (in this JVM or a child JVM that receives the connection's descriptor) on
 * its first connection and stops it after its idle timeout. Runs until interrupted.
 */
@Command(name = "superserver", mixinStandardHelpOptions = true, description = "Listen for many services; start each on demand.")
public final class SuperserverCommand implements Callable<Integer> {
    @Option(names = "--config", required = true, description = "services file: name port model protocol in-process|jvm idle-ms")
    Path config;

    @Option(names = "--host", defaultValue = "127.0.0.1", description = "address to listen on (default: ${DEFAULT-VALUE})")
    String host;

    @Override
    public Integer call() throws Exception {
        List<ServiceSpec> specs = SuperserverConfig.read(config);
        CountDownLatch stop = new CountDownLatch(1);
        try (Superserver s = new Superserver(specs, host, Clock.system(), e -> System.out.println("superserver: " + e))) {
            for (ServiceSpec spec : specs) {
                System.out.printf("superserver: %-16s port %5d  %-18s %-10s %s, idle %d ms%n", spec.name(), s.port(spec.name()),
                        spec.model().cliName(), spec.protocol(), spec.separateJvm() ? "child JVM" : "in-process", spec.idleTimeoutMs());
            }
            s.startReaper(500);
            Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown));
            stop.await();
        }
        return 0;
    }
}
