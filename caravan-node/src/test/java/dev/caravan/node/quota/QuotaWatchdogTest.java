package dev.caravan.node.quota;

import dev.caravan.wire.CaravanException;
import dev.caravan.wire.node.SecuritySettings;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** The watchdog's decisions on a hand-driven clock and probe: no threads, no sleeps. */
class QuotaWatchdogTest {
    private static final long MS = 1_000_000;
    private final AtomicLong nowNs = new AtomicLong(0);
    private final List<String> enforced = new ArrayList<>();
    private final QuotaWatchdog watchdog = new QuotaWatchdog(10_000, (a, v) -> enforced.add(a.name() + ": " + v.message()));

    /** A probe the test sets. */
    private static final class FakeProbe implements QuotaAccount.Probe {
        volatile String busyWith;
        volatile long busySinceNs;
        volatile long cpuNs;

        @Override
        public String busyWith() {
            return busyWith;
        }

        @Override
        public long busySinceNs() {
            return busySinceNs;
        }

        @Override
        public long threadCpuNs() {
            return cpuNs;
        }
    }

    private QuotaAccount account(String name, Map<String, String> config, FakeProbe probe) {
        return new QuotaAccount(name, ProcessQuotas.from(config), probe, nowNs::get, v -> enforced.add(name + ": " + v.message()));
    }

    @Test
    void shouldStopAHandlerThatRunsPastItsLimitOnce() {
        FakeProbe probe = new FakeProbe();
        QuotaAccount a = account("spin", Map.of(SecuritySettings.QUOTA_HANDLER_MS, "2000"), probe);
        probe.busyWith = "SPIN";
        probe.busySinceNs = 0;

        nowNs.set(2000 * MS);
        assertThat(watchdog.doWork(nowNs.get(), List.of(a))).as("at the limit, not past it").isZero();
        nowNs.set(2001 * MS);
        assertThat(watchdog.doWork(nowNs.get(), List.of(a))).isEqualTo(1);
        nowNs.set(5000 * MS);
        watchdog.doWork(nowNs.get(), List.of(a));

        assertThat(enforced).containsExactly("spin: handler time quota 2000 ms exceeded (SPIN has run 2001 ms)");
        assertThat(a.admitRequests(1)).as("a stopped process takes no more requests").isFalse();
    }

    @Test
    void shouldUseTheNodeDefaultHandlerLimitWhenTheProcessSetsNone() {
        FakeProbe probe = new FakeProbe();
        QuotaAccount a = account("slow", Map.of(), probe);
        probe.busyWith = "GET";
        nowNs.set(9_999 * MS);
        watchdog.doWork(nowNs.get(), List.of(a));
        assertThat(enforced).isEmpty();

        nowNs.set(10_001 * MS);
        watchdog.doWork(nowNs.get(), List.of(a));
        assertThat(enforced).hasSize(1);
    }

    @Test
    void shouldLeaveAnIdleProcessAloneHoweverLongItIdles() {
        FakeProbe probe = new FakeProbe();
        QuotaAccount a = account("idle", Map.of(SecuritySettings.QUOTA_HANDLER_MS, "10"), probe);
        nowNs.set(60_000 * MS);

        assertThat(watchdog.doWork(nowNs.get(), List.of(a))).isZero();
    }

    @Test
    void shouldStopAProcessOverItsCpuShareOnlyOnceAFullWindowIsMeasured() {
        FakeProbe probe = new FakeProbe();
        QuotaAccount hog = account("hog", Map.of(SecuritySettings.QUOTA_CPU_PERCENT, "50"), probe);
        for (long t = 0; t < 1000 * MS; t += 50 * MS) {
            nowNs.set(t);
            probe.cpuNs = t * 83 / 100;
            watchdog.doWork(nowNs.get(), List.of(hog));
        }
        assertThat(enforced).as("not yet a full second").isEmpty();

        nowNs.set(1000 * MS);
        probe.cpuNs = 830 * MS;
        watchdog.doWork(nowNs.get(), List.of(hog));

        assertThat(enforced).containsExactly("hog: CPU quota 50% exceeded (83% over 1.0 s)");
    }

    @Test
    void shouldThrottleInsteadOfStoppingUnderThrottlePolicyAndReleaseWhenBackUnder() {
        FakeProbe probe = new FakeProbe();
        QuotaAccount hog = account("hog", Map.of(SecuritySettings.QUOTA_CPU_PERCENT, "50", SecuritySettings.QUOTA_POLICY,
                "throttle"), probe);
        long cpu = 0;
        for (long t = 0; t <= 1000 * MS; t += 50 * MS) {
            nowNs.set(t);
            probe.cpuNs = cpu;
            cpu += 45 * MS;
            watchdog.doWork(nowNs.get(), List.of(hog));
        }
        assertThat(hog.cpuThrottled()).isTrue();
        assertThat(enforced).isEmpty();

        for (long t = 1050 * MS; t <= 2100 * MS; t += 50 * MS) {
            nowNs.set(t);
            probe.cpuNs = cpu; // parked: no CPU
            watchdog.doWork(nowNs.get(), List.of(hog));
        }
        assertThat(hog.cpuThrottled()).isFalse();
        assertThat(hog.cpuPercent()).isLessThan(50);
    }

    @Test
    void shouldRefuseTheBatchOverTheRateUnderStopPolicyAndReportOnce() {
        QuotaAccount a = account("fast", Map.of(SecuritySettings.QUOTA_REQUESTS_PER_SECOND, "10"), new FakeProbe());

        assertThat(a.admitRequests(10)).isTrue();
        assertThat(a.admitRequests(1)).isFalse();
        nowNs.addAndGet(1000 * MS);
        assertThat(a.admitRequests(1)).as("stopped: nothing more, even with tokens back").isFalse();
        assertThat(enforced).containsExactly("fast: request-rate quota 10/s exceeded (a batch of 1 found 0 left)");
    }

    @Test
    void shouldRefuseInvalidQuotaSettingsNamingTheKey() {
        CaravanException e = catchThrowableOfType(CaravanException.class,
                () -> ProcessQuotas.from(Map.of(SecuritySettings.QUOTA_CPU_PERCENT, "150")));
        assertThat(e.getMessage()).contains("quota.cpu-percent").contains("150");
        CaravanException p = catchThrowableOfType(CaravanException.class,
                () -> ProcessQuotas.from(Map.of(SecuritySettings.QUOTA_POLICY, "kill")));
        assertThat(p.getMessage()).contains("quota.policy must be stop or throttle");
    }
}
