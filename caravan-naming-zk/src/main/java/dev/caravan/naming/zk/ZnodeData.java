package dev.caravan.naming.zk;

import dev.caravan.naming.NamingEntry;
import dev.caravan.wire.BodyReader;
import dev.caravan.wire.BodyWriter;
import dev.caravan.wire.ErrorCode;

/**
 * The bytes Caravan keeps in its znodes, each led by a format byte so a later layout can be
 * told apart (a reader meeting an unknown format refuses it with UNSUPPORTED_VERSION).
 * <pre>
 *   /entries/&lt;encoded name&gt;  u8 format=1 | entry in {@link NamingEntry}'s wire layout (epoch and leaseId inside)
 *   /leases/&lt;leaseId&gt;        u8 format=1 | string holder | i64 ttlMs | i64 openedAtMs (epoch ms)
 * </pre>
 * Strings and integers as {@link BodyWriter} writes them (i32 length + UTF-8, big-endian).
 */
final class ZnodeData {
    static final int FORMAT = 1;

    /** What a lease znode says about its session. */
    record LeaseData(String holder, long ttlMs, long openedAtMs) {
    }

    private ZnodeData() {
    }

    static byte[] entry(NamingEntry e) {
        BodyWriter w = new BodyWriter(128);
        w.u8(FORMAT);
        e.writeTo(w);
        return w.toBytes();
    }

    static NamingEntry entry(byte[] data) {
        BodyReader r = reader(data, "naming entry");
        NamingEntry e = NamingEntry.readFrom(r);
        r.expectEnd();
        return e;
    }

    static byte[] lease(LeaseData l) {
        return new BodyWriter(64).u8(FORMAT).string(l.holder()).i64(l.ttlMs()).i64(l.openedAtMs()).toBytes();
    }

    static LeaseData lease(byte[] data) {
        BodyReader r = reader(data, "lease");
        LeaseData l = new LeaseData(r.string(), r.i64(), r.i64());
        r.expectEnd();
        return l;
    }

    private static BodyReader reader(byte[] data, String what) {
        if (data == null || data.length == 0) {
            throw ErrorCode.MALFORMED.exception("empty " + what + " znode");
        }
        BodyReader r = new BodyReader(data);
        int format = r.u8();
        if (format != FORMAT) {
            throw ErrorCode.UNSUPPORTED_VERSION.exception(what + " znode in format " + format + ", this build reads " + FORMAT);
        }
        return r;
    }
}
