package dev.caravan.launch;

import java.util.logging.LogManager;

/**
 * The JDK's log manager, except that the JVM's shutdown does not silence it. The stock manager
 * resets itself from a shutdown hook of its own, which removes every handler; a daemon that logs
 * from its own shutdown hook (a node says where it drained its processes on SIGTERM) would then
 * lose those lines, depending on which hook runs first. {@link LogSetup} installs this manager.
 */
public final class DaemonLogManager extends LogManager {
    private static final String JDK_CLEANER = LogManager.class.getName() + "$Cleaner";

    public DaemonLogManager() {
        super();
    }

    /** Resets as the JDK does, unless called by the JDK's shutdown hook; records logged while exiting still get out. */
    @Override
    public void reset() {
        boolean fromShutdownHook = StackWalker.getInstance().walk(frames -> frames.anyMatch(
                f -> f.getClassName().equals(JDK_CLEANER)));
        if (!fromShutdownHook) {
            super.reset();
        }
    }
}
