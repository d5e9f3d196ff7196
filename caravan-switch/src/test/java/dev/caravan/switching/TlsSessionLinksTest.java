package dev.caravan.switching;

import dev.caravan.core.time.Clock;
import dev.caravan.naming.LocalNamingService;
import dev.caravan.naming.NamingEntry;
import dev.caravan.naming.NamingService;
import dev.caravan.pki.CertificateAuthority;
import dev.caravan.wire.security.TransportSecurity;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A TLS switch dials links only to a process's published TLS port, never plaintext; a plaintext switch keeps plaintext links. */
class TlsSessionLinksTest {
    @TempDir
    Path dir;

    private static SwitchContext context(NamingService naming, TransportSecurity security) {
        return new SwitchContext() {
            @Override
            public Dispatcher dispatcher(FrontendSpec frontend, Route route) {
                throw new UnsupportedOperationException();
            }

            @Override
            public NamingService naming() {
                return naming;
            }

            @Override
            public Clock clock() {
                return Clock.system();
            }

            @Override
            public String linkToken() {
                return "";
            }

            @Override
            public String switchId() {
                return "s1";
            }

            @Override
            public TransportSecurity linkSecurity() {
                return security;
            }
        };
    }

    @Test
    void aPlaintextSwitchKeepsPlaintextLinks() {
        assertThat(TlsSessionLinks.opener(context(new LocalNamingService(), TransportSecurity.plaintext()), "kv")).isNull();
    }

    @Test
    void aTlsSwitchRefusesAProcessWithoutATlsPortOrAtAnotherAddress() throws Exception {
        CertificateAuthority ca = CertificateAuthority.create(dir, "t");
        ca.issue("s1", "node", "", List.of(), List.of(), Duration.ofDays(1));
        NamingService naming = new LocalNamingService();
        long lease = naming.openLease("node/n1", 60_000).id();
        naming.register(lease, new NamingEntry("process/kv", "n1", "127.0.0.1", 7001, 1, Map.of(), lease));
        var opener = TlsSessionLinks.opener(context(naming, TransportSecurity.mutualTls(dir.resolve("s1"))), "kv");
        assertThat(opener).isNotNull();
        assertThatThrownBy(() -> opener.open(new InetSocketAddress("127.0.0.1", 7001)))
                .isInstanceOf(IOException.class).hasMessageContaining("has no RESP-over-TLS port");
        assertThatThrownBy(() -> opener.open(new InetSocketAddress("127.0.0.1", 7002)))
                .isInstanceOf(IOException.class).hasMessageContaining("not 127.0.0.1:7002 yet");
        assertThatThrownBy(() -> TlsSessionLinks.opener(context(naming, TransportSecurity.mutualTls(dir.resolve("s1"))), "gone")
                .open(new InetSocketAddress("127.0.0.1", 7001))).isInstanceOf(IOException.class).hasMessageContaining("not registered");
    }
}
