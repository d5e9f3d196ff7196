package dev.caravan.launch;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code caravan node} requires signed code unless told {@code --allow-unsigned}. */
class NodeCodePolicyTest {
    private static DaemonOptions.Parsed parse(String... args) {
        return NodeMain.OPTIONS.parse(List.of(args));
    }

    @Test
    void signaturesAreRequiredByDefaultWithTheDefaultTrustDirectory() {
        var policy = NodeMain.codePolicy(parse("--id", "n1"));
        assertThat(policy.signaturesRequired()).isTrue();
        assertThat(policy.trustDir()).contains(Path.of(".caravan/trust"));
    }

    @Test
    void trustDirAndAllowUnsignedAreHonoured() {
        assertThat(NodeMain.codePolicy(parse("--id", "n1", "--trust-dir", "/etc/caravan/trust")).trustDir())
                .contains(Path.of("/etc/caravan/trust"));
        assertThat(NodeMain.codePolicy(parse("--id", "n1", "--allow-unsigned")).signaturesRequired()).isFalse();
        assertThat(NodeMain.OPTIONS.usage()).contains("--allow-unsigned").contains("--trust-dir");
    }
}
