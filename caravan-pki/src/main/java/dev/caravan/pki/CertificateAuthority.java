package dev.caravan.pki;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import java.io.IOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A Caravan cluster's certificate authority: one EC P-256 key that signs the identity
 * certificates of every member (naming, nodes, switch) and user.
 *
 * <p><b>CA directory</b> (made by {@link #create}, default {@code .caravan/pki}):
 * <pre>
 * DIR/ca.crt   the CA certificate, PEM; CN=caravan-ca:CLUSTER, O=caravan; basicConstraints CA,
 *              keyCertSign + cRLSign; valid {@value #CA_VALIDITY_DAYS} days
 * DIR/ca.key   its private key, PEM PKCS#8 unencrypted, mode 0600
 * DIR/NAME/    identity directories {@link #issue} writes when the caller passes DIR/NAME
 * </pre>
 *
 * <p><b>Identity directory</b> ({@link #issue}), exactly what
 * {@code dev.caravan.wire.security.TransportSecurity.mutualTls(dir)} reads:
 * <pre>
 * OUT/ca.crt        copy of the CA certificate (the only issuer the holder trusts)
 * OUT/identity.crt  the leaf, PEM: subject CN=NAME, O=caravan:ROLE[, O=slice:SLICE];
 *                   SAN DNS:localhost, IP:127.0.0.1 + those asked; EKU serverAuth + clientAuth;
 *                   keyUsage digitalSignature; SHA256withECDSA by the CA
 * OUT/identity.key  its EC P-256 private key, PEM PKCS#8 unencrypted, mode 0600
 * </pre>
 * One certificate serves both as server (a daemon's ports) and as client (its outgoing links).
 *
 * <p>Instances are immutable and thread-safe; files are written to a temporary name and renamed,
 * so a reader never sees half a file. Every failure is a {@link PkiException} with a one-line
 * message. This module depends on no other Caravan module, so any module may use it.
 */
public final class CertificateAuthority {
    public static final String CA_CERT = "ca.crt";
    public static final String CA_KEY = "ca.key";
    public static final String IDENTITY_CERT = "identity.crt";
    public static final String IDENTITY_KEY = "identity.key";
    public static final int CA_VALIDITY_DAYS = 3650;
    /** The roles a certificate may carry (as {@code dev.caravan.wire.security.Role} labels them). */
    public static final List<String> ROLES = List.of("viewer", "operator", "admin", "node");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.@-]{1,64}");
    private static final Pattern SLICE = Pattern.compile("([a-z0-9][a-z0-9-]{0,31})?");
    private static final Pattern DNS = Pattern.compile("(\\*\\.)?[A-Za-z0-9]([A-Za-z0-9-]{0,62})(\\.[A-Za-z0-9][A-Za-z0-9-]{0,62})*");
    private static final Duration CLOCK_SKEW = Duration.ofMinutes(5);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Path directory;
    private final X509Certificate certificate;
    private final PrivateKey key;
    private final Clock clock;

    private CertificateAuthority(Path directory, X509Certificate certificate, PrivateKey key, Clock clock) {
        this.directory = directory;
        this.certificate = certificate;
        this.key = key;
        this.clock = clock;
    }

    /**
     * Makes a new CA in {@code dir} ({@code ca.crt} and {@code ca.key}).
     *
     * @throws PkiException when {@code dir} already holds a CA (never overwritten: every
     *                      certificate it issued would stop being trusted) or cannot be written
     */
    public static CertificateAuthority create(Path dir, String clusterName) {
        return create(dir, clusterName, Clock.systemUTC());
    }

    /** {@link #create(Path, String)} with the clock that dates the CA (tests make old or expired CAs). */
    public static CertificateAuthority create(Path dir, String clusterName, Clock clock) {
        if (clusterName == null || !NAME.matcher(clusterName).matches()) {
            throw new PkiException("cluster name '" + clusterName + "' must be 1-64 letters, digits, '_', '.', '@' or '-'");
        }
        if (Files.exists(dir.resolve(CA_CERT)) || Files.exists(dir.resolve(CA_KEY))) {
            throw new PkiException(dir + " already holds a CA: remove it to start over (every certificate it issued stops working)");
        }
        try {
            KeyPair pair = newKeyPair();
            X500Name subject = new X500NameBuilder(BCStyle.INSTANCE)
                    .addRDN(BCStyle.O, "caravan")
                    .addRDN(BCStyle.CN, "caravan-ca:" + clusterName)
                    .build();
            Instant now = clock.instant();
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(subject, serial(),
                    Date.from(now.minus(CLOCK_SKEW)), Date.from(now.plus(Duration.ofDays(CA_VALIDITY_DAYS))),
                    subject, pair.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
                    .addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(pair.getPublic()));
            X509Certificate cert = sign(b, pair.getPrivate());
            Files.createDirectories(dir);
            Pem.writePrivateKey(dir.resolve(CA_KEY), pair.getPrivate());
            Pem.writeCertificate(dir.resolve(CA_CERT), cert);
            return new CertificateAuthority(dir, cert, pair.getPrivate(), clock);
        } catch (IOException e) {
            throw new PkiException("cannot write the CA in " + dir + ": " + e.getMessage(), e);
        } catch (GeneralSecurityException e) {
            throw new PkiException("cannot make the CA: " + e.getMessage(), e);
        }
    }

    /**
     * Loads the CA in {@code dir}.
     *
     * @throws PkiException when there is none ("run 'caravan certs init' first") or it is unreadable
     */
    public static CertificateAuthority load(Path dir) {
        try {
            X509Certificate cert = Pem.readCertificate(dir.resolve(CA_CERT));
            PrivateKey key = Pem.readPrivateKey(dir.resolve(CA_KEY), cert.getPublicKey().getAlgorithm());
            return new CertificateAuthority(dir, cert, key, Clock.systemUTC());
        } catch (NoSuchFileException e) {
            throw new PkiException("no CA in " + dir + " (no " + e.getFile() + "): run 'caravan certs init' first");
        } catch (IOException | GeneralSecurityException e) {
            throw new PkiException("cannot read the CA in " + dir + ": " + e.getMessage(), e);
        }
    }

    /** True when {@code dir} holds a CA certificate. */
    public static boolean exists(Path dir) {
        return Files.isRegularFile(dir.resolve(CA_CERT));
    }

    /** This CA dating its certificates by {@code clock} instead of the system clock. */
    public CertificateAuthority withClock(Clock clock) {
        return new CertificateAuthority(directory, certificate, key, Objects.requireNonNull(clock, "clock"));
    }

    public Path directory() {
        return directory;
    }

    public X509Certificate certificate() {
        return certificate;
    }

    /**
     * Issues an identity certificate and writes its identity directory (layout in the class comment).
     *
     * @param name        the identity's name: 1..64 of {@code [A-Za-z0-9_.@-]}
     * @param role        {@code viewer}, {@code operator}, {@code admin} or {@code node} (any case)
     * @param slice       the tenant slice, or {@code ""} for none
     * @param dnsNames    DNS names the holder serves under, besides {@code localhost}
     * @param ipAddresses IP literals the holder serves under, besides {@code 127.0.0.1}
     * @param validity    how long from now it is valid (it never outlives the CA)
     * @param outDir      where to write; created if missing; existing files are replaced
     * @return the certificate written
     * @throws PkiException on a bad argument or an unwritable directory
     */
    public X509Certificate issue(String name, String role, String slice, List<String> dnsNames,
                                 List<String> ipAddresses, Duration validity, Path outDir) {
        String roleLabel = checkArguments(name, role, slice, validity);
        GeneralNames san = subjectAltNames(dnsNames, ipAddresses);
        try {
            KeyPair pair = newKeyPair();
            X500NameBuilder subject = new X500NameBuilder(BCStyle.INSTANCE);
            if (!slice.isEmpty()) {
                subject.addRDN(BCStyle.O, "slice:" + slice);
            }
            subject.addRDN(BCStyle.O, "caravan:" + roleLabel).addRDN(BCStyle.CN, name);
            Instant now = clock.instant();
            Instant notAfter = now.plus(validity);
            if (notAfter.isAfter(certificate.getNotAfter().toInstant())) {
                notAfter = certificate.getNotAfter().toInstant();
            }
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            PublicKey pub = pair.getPublic();
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(certificate, serial(),
                    Date.from(now.minus(CLOCK_SKEW)), Date.from(notAfter), subject.build(), pub)
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
                    .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(
                            new KeyPurposeId[]{KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}))
                    .addExtension(Extension.subjectAlternativeName, false, san)
                    .addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(pub))
                    .addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(certificate));
            X509Certificate cert = sign(b, key);
            Files.createDirectories(outDir);
            Pem.writePrivateKey(outDir.resolve(IDENTITY_KEY), pair.getPrivate());
            Pem.writeCertificate(outDir.resolve(IDENTITY_CERT), cert);
            Pem.writeCertificate(outDir.resolve(CA_CERT), certificate);
            return cert;
        } catch (IOException e) {
            throw new PkiException("cannot write the identity " + name + " in " + outDir + ": " + e.getMessage(), e);
        } catch (GeneralSecurityException e) {
            throw new PkiException("cannot issue a certificate for " + name + ": " + e.getMessage(), e);
        }
    }

    /** {@link #issue} into {@code directory()/name}, the layout {@code caravan certs} uses. */
    public X509Certificate issue(String name, String role, String slice, List<String> dnsNames,
                                 List<String> ipAddresses, Duration validity) {
        return issue(name, role, slice, dnsNames, ipAddresses, validity, identityDirectory(name));
    }

    /** Where {@code caravan certs issue NAME} writes: {@code directory()/NAME}. */
    public Path identityDirectory(String name) {
        return directory.resolve(name);
    }

    private static String checkArguments(String name, String role, String slice, Duration validity) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new PkiException("identity name '" + name + "' must be 1-64 letters, digits, '_', '.', '@' or '-'");
        }
        String label = role == null ? "" : role.toLowerCase(Locale.ROOT);
        if (!ROLES.contains(label)) {
            throw new PkiException("unknown role '" + role + "': use viewer, operator, admin or node");
        }
        if (slice == null || !SLICE.matcher(slice).matches()) {
            throw new PkiException("slice '" + slice + "' must be 1-32 lower-case letters, digits or '-', starting with a letter or digit");
        }
        if (validity == null || validity.isNegative() || validity.isZero()) {
            throw new PkiException("validity must be positive, not " + validity);
        }
        return label;
    }

    private static GeneralNames subjectAltNames(List<String> dnsNames, List<String> ipAddresses) {
        Set<String> dns = new LinkedHashSet<>();
        dns.add("localhost");
        dns.addAll(dnsNames);
        Set<String> ips = new LinkedHashSet<>();
        ips.add("127.0.0.1");
        ips.addAll(ipAddresses);
        List<GeneralName> names = new ArrayList<>();
        for (String d : dns) {
            if (!DNS.matcher(d).matches() || d.length() > 253) {
                throw new PkiException("'" + d + "' is not a DNS name");
            }
            names.add(new GeneralName(GeneralName.dNSName, d));
        }
        for (String ip : ips) {
            if (!isIpLiteral(ip)) {
                throw new PkiException("'" + ip + "' is not an IP address (IPv4 dotted or IPv6 literal)");
            }
            names.add(new GeneralName(GeneralName.iPAddress, ip));
        }
        return new GeneralNames(names.toArray(GeneralName[]::new));
    }

    /** An IP literal only: never resolves a name (InetAddress.getByName would for anything else). */
    private static boolean isIpLiteral(String s) {
        if (s == null || s.isEmpty() || !(s.matches("[0-9.]+") || s.matches("[0-9A-Fa-f:.]+") && s.contains(":"))) {
            return false;
        }
        try {
            InetAddress.getByName(s);
            return !s.contains(".") || s.contains(":") || s.split("\\.").length == 4;
        } catch (IOException e) {
            return false;
        }
    }

    private static KeyPair newKeyPair() throws GeneralSecurityException {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
        return g.generateKeyPair();
    }

    private static BigInteger serial() {
        return new BigInteger(127, RANDOM).add(BigInteger.ONE);
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey signer) throws GeneralSecurityException {
        try {
            return new JcaX509CertificateConverter().getCertificate(
                    builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(signer)));
        } catch (OperatorCreationException e) {
            throw new GeneralSecurityException(e.getMessage(), e);
        }
    }

    /**
     * The identities this CA's directory holds (each subdirectory with an {@code identity.crt}),
     * sorted by name; unreadable ones are skipped.
     */
    public List<IssuedIdentity> issued() {
        List<IssuedIdentity> out = new ArrayList<>();
        try (var dirs = Files.list(directory)) {
            for (Path d : dirs.sorted().toList()) {
                if (Files.isRegularFile(d.resolve(IDENTITY_CERT))) {
                    try {
                        out.add(IssuedIdentity.read(d));
                    } catch (PkiException e) {
                        // A half-made or foreign directory is not an identity of ours.
                    }
                }
            }
        } catch (IOException e) {
            throw new PkiException("cannot list " + directory + ": " + e.getMessage(), e);
        }
        return out;
    }

    @Override
    public String toString() {
        return "CA " + certificate.getSubjectX500Principal().getName() + " in " + directory;
    }
}
