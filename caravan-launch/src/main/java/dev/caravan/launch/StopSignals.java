package dev.caravan.launch;

import java.lang.reflect.Proxy;

/**
 * Remembers which signal asked this JVM to stop, so that a daemon's shutdown can say it ("node n1
 * got SIGTERM: draining 2 processes…"). A shutdown hook cannot tell a signal from
 * {@code System.exit}; this installs handlers for SIGTERM and SIGINT that note the signal and then
 * exit as the JVM would have (status 128 + signal number, shutdown hooks run).
 *
 * <p>Uses {@code sun.misc.Signal} (module jdk.unsupported) through reflection: named directly, javac
 * warns that it is proprietary, which this build refuses. Where it is missing, nothing is installed
 * and {@link #received()} stays empty. Thread-safe.
 */
final class StopSignals {
    private static volatile String received = "";

    private StopSignals() {
    }

    /** Installs the handlers once; later calls do nothing. */
    static synchronized void install() {
        install("TERM", 143);
        install("INT", 130);
    }

    /** "SIGTERM", "SIGINT", or "" when no signal was received. */
    static String received() {
        return received;
    }

    private static void install(String name, int status) {
        try {
            Class<?> signal = Class.forName("sun.misc.Signal");
            Class<?> handler = Class.forName("sun.misc.SignalHandler");
            Object sig = signal.getConstructor(String.class).newInstance(name);
            Object h = Proxy.newProxyInstance(StopSignals.class.getClassLoader(), new Class<?>[] {handler}, (proxy, method, args) -> {
                if (method.getName().equals("handle")) {
                    received = "SIG" + name;
                    // Not on the signal thread: exit waits for the shutdown hooks, which may take a drain's grace.
                    Thread.ofPlatform().name("exit-on-SIG" + name).start(() -> System.exit(status));
                    return null;
                }
                return switch (method.getName()) {
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    default -> "StopSignals(" + name + ")";
                };
            });
            signal.getMethod("handle", signal, handler).invoke(null, sig, h);
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            // No signal API here (or the signal is reserved): shutdown says "was asked to stop" without its name.
        }
    }
}
