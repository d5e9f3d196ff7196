package dev.caravan.migration;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Test CAs and identity directories (ca.crt, identity.crt, identity.key) made with the openssl CLI. */
final class TlsTestCertificates {
    private TlsTestCertificates() {
    }

    /** A fresh CA in {@code dir} (ca.crt, ca.key). */
    static Path ca(Path dir) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        run(dir, "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                "-keyout", "ca.key", "-out", "ca.crt", "-days", "2", "-subj", "/CN=test-ca",
                "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign");
        return dir;
    }

    /** An identity directory under {@code ca}, for 127.0.0.1 and localhost. */
    static Path issue(Path ca, String name, String role) throws IOException, InterruptedException {
        Path out = ca.resolve(name);
        Files.createDirectories(out);
        run(out, "openssl", "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", "identity.key");
        run(out, "openssl", "req", "-new", "-key", "identity.key", "-out", "identity.csr",
                "-subj", "/O=caravan:" + role + "/CN=" + name);
        Files.writeString(out.resolve("ext.cnf"), "basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\n"
                + "extendedKeyUsage=serverAuth,clientAuth\nsubjectAltName=IP:127.0.0.1,DNS:localhost\n");
        run(out, "openssl", "x509", "-req", "-in", "identity.csr", "-CA", "../ca.crt", "-CAkey", "../ca.key",
                "-CAcreateserial", "-out", "identity.crt", "-days", "1", "-extfile", "ext.cnf");
        Files.copy(ca.resolve("ca.crt"), out.resolve("ca.crt"));
        return out;
    }

    private static void run(Path dir, String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(List.of(command)).directory(dir.toFile()).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IOException(String.join(" ", command) + " failed: " + output);
        }
    }
}
