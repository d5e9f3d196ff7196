package dev.caravan.pki;

import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;
import org.bouncycastle.cert.jcajce.JcaX509CertificateHolder;

import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.time.Instant;

/**
 * What an identity directory's certificate says: as {@code caravan certs ls} shows it.
 *
 * @param name      the subject's CN
 * @param role      the {@code O=caravan:ROLE} value ({@code ""} when absent: not a Caravan identity)
 * @param slice     the {@code O=slice:SLICE} value, {@code ""} for none
 * @param notAfter  when it expires
 * @param directory the identity directory
 */
public record IssuedIdentity(String name, String role, String slice, Instant notAfter, Path directory) {

    /**
     * Reads {@code dir/identity.crt}.
     *
     * @throws PkiException when it is missing or not a certificate
     */
    public static IssuedIdentity read(Path dir) {
        try {
            return of(Pem.readCertificate(dir.resolve(CertificateAuthority.IDENTITY_CERT)), dir);
        } catch (IOException | GeneralSecurityException e) {
            throw new PkiException("cannot read the identity in " + dir + ": " + e.getMessage(), e);
        }
    }

    /** The identity {@code certificate} carries. */
    public static IssuedIdentity of(X509Certificate certificate, Path dir) {
        X500Name subject;
        try {
            subject = new JcaX509CertificateHolder(certificate).getSubject();
        } catch (java.security.cert.CertificateEncodingException e) {
            throw new PkiException("cannot read a certificate subject: " + e.getMessage(), e);
        }
        String name = "";
        String role = "";
        String slice = "";
        for (RDN rdn : subject.getRDNs(BCStyle.CN)) {
            name = text(rdn.getFirst().getValue());
        }
        for (RDN rdn : subject.getRDNs(BCStyle.O)) {
            String o = text(rdn.getFirst().getValue());
            if (o.startsWith("caravan:")) {
                role = o.substring("caravan:".length());
            } else if (o.startsWith("slice:")) {
                slice = o.substring("slice:".length());
            }
        }
        return new IssuedIdentity(name, role, slice, certificate.getNotAfter().toInstant(), dir);
    }

    /** True when it has expired at {@code now}. */
    public boolean expiredAt(Instant now) {
        return now.isAfter(notAfter);
    }

    private static String text(ASN1Encodable value) {
        return IETFUtils.valueToString(value);
    }
}
