package dev.caravan.cli;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code caravan deploy --quota}: bad quotas are usage errors (exit 2, one line), refused before naming is asked. */
class DeployQuotaCliTest {
    @Test
    void shouldRefuseAnUnknownQuotaWithOneLine() {
        Console.Result r = Console.run("deploy", "--sample", "kv", "--name", "q1", "--quota", "disk=1g", "--naming", "127.0.0.1:1");

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err().strip()).doesNotContain("\n").contains("unknown quota 'disk'");
    }

    @Test
    void shouldRefuseQuotaSettingsGivenWithSet() {
        Console.Result r = Console.run("deploy", "--sample", "kv", "--name", "q1", "--set", "quota.cpu-percent=5", "--naming",
                "127.0.0.1:1");

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("quota.* settings come from --quota and --quota-policy");
    }

    @Test
    void shouldRefuseABadPolicy() {
        Console.Result r = Console.run("deploy", "--sample", "kv", "--name", "q1", "--quota", "cpu=50%", "--quota-policy", "kill",
                "--naming", "127.0.0.1:1");

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("quota.policy must be stop or throttle");
    }

    @Test
    void shouldRefuseAQuotaWithoutAValue() {
        Console.Result r = Console.run("deploy", "--sample", "kv", "--name", "qq", "--quota", "rps=", "--naming", "127.0.0.1:1");

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err().strip()).doesNotContain("\n").contains("'rps' needs a value");
    }
}
