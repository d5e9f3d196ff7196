package dev.caravan.launch.net;

import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The per-network lock must hold against other processes however often this JVM asks about the network. */
class SubnetLeaseTest {
    @Test
    void shouldKeepANetworkLockedAgainstOtherProcessesWhenThisJvmAsksForItAgain() throws Exception {
        assumeTrue(NetHosts.available(), NetHosts::unavailableReason);
        try (SubnetLease held = SubnetLease.acquire(index -> { })) {
            assertThat(SubnetLease.tryLock(held.index())).as("a network this JVM holds").isNull();
            assertThat(SubnetLease.tryLock(held.index())).as("asked twice").isNull();
            assertThat(otherProcessCanLock(held.index())).as("another process locking network " + held.index()).isFalse();
        }
    }

    @Test
    void shouldFreeTheNetworkForOthersOnClose() throws Exception {
        assumeTrue(NetHosts.available(), NetHosts::unavailableReason);
        int index;
        try (SubnetLease held = SubnetLease.acquire(i -> { })) {
            index = held.index();
        }
        assertThat(otherProcessCanLock(index)).isTrue();
    }

    /** The same kind of lock (POSIX record lock, as the JDK takes) from a Python process. */
    private static boolean otherProcessCanLock(int index) throws Exception {
        Process p = new ProcessBuilder("/usr/bin/python3", "-c",
                "import fcntl,sys\nf=open(sys.argv[1],'a')\ntry:\n  fcntl.lockf(f, fcntl.LOCK_EX | fcntl.LOCK_NB)\nexcept OSError:\n  sys.exit(3)",
                "/run/caravan-netns/subnet-" + index + ".lock").redirectErrorStream(true).start();
        assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(new String(p.getInputStream().readAllBytes())).isIn(0, 3);
        return p.exitValue() == 0;
    }
}
