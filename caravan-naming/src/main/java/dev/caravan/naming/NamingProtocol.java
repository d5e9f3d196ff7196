package dev.caravan.naming;

import dev.caravan.wire.BodyReader;
import dev.caravan.wire.BodyWriter;
import dev.caravan.wire.Frame;
import dev.caravan.wire.Op;

import java.util.ArrayList;
import java.util.List;

/**
 * Body layouts of the naming port, shared by {@link NamingServer} and
 * {@link RemoteNamingService}. Fields are big-endian; {@code entry} is the
 * {@link NamingEntry} layout; {@code entries} is {@code i32 count} then that many entries.
 *
 * <pre>
 *   op                  request                              OK reply
 *   NAMING_OPEN_LEASE   string holder, i64 ttlMs             i64 leaseId, i64 ttlMs
 *   NAMING_RENEW_LEASE  i64 leaseId                          (empty)
 *   NAMING_CLOSE_LEASE  i64 leaseId                          (empty)
 *   NAMING_REGISTER     i64 leaseId, entry                   (empty)
 *   NAMING_UNREGISTER   i64 leaseId, string name, i64 epoch  (empty)
 *   NAMING_LOOKUP       string name                          bool found, [entry if found]
 *   NAMING_LIST         string prefix                        entries
 *   NAMING_WATCH        string prefix, bool snapshot         i64 watchId, [entries if snapshot]
 *   NAMING_UNWATCH      i64 watchId                          (empty)
 *   PING                (empty)                              (empty)
 *
 *   EVENT (pushed)      requestId = watchId;  body: u8 kind (1 PUT, 2 REMOVED), entry
 * </pre>
 *
 * <p>The register request's {@code entry.leaseId} is ignored (the request's lease wins).
 * A watch's id is the requestId of the WATCH request that made it, so its EVENT frames are
 * correlated like replies; a WATCH whose requestId is already a live watch on the connection
 * is refused with ALREADY_EXISTS. With {@code snapshot} set, the reply also carries the entries
 * under the prefix as of the moment the watch began; the server sends the OK reply before any
 * EVENT of that watch. After the UNWATCH reply no further EVENT of that watch is sent. Errors
 * are ordinary ERROR frames with the {@link dev.caravan.wire.ErrorCode} the service threw.
 */
final class NamingProtocol {
    /** Entries one LIST or snapshot may carry; the 1 MiB frame limit bounds it first in practice. */
    static final int MAX_ENTRIES = 1_000_000;

    private NamingProtocol() {
    }

    static void writeEntries(BodyWriter w, List<NamingEntry> entries) {
        w.i32(entries.size());
        for (NamingEntry e : entries) {
            e.writeTo(w);
        }
    }

    static List<NamingEntry> readEntries(BodyReader r) {
        int n = r.count(MAX_ENTRIES, "entry");
        // The count is bounded, but a lying one must not pre-size the list.
        List<NamingEntry> out = new ArrayList<>(Math.min(n, 1024));
        for (int i = 0; i < n; i++) {
            out.add(NamingEntry.readFrom(r));
        }
        return out;
    }

    static Frame event(long watchId, NamingEvent event) {
        BodyWriter w = new BodyWriter(128);
        event.writeTo(w);
        return new Frame(Op.EVENT, watchId, w.toBytes());
    }

    static NamingEvent readEvent(Frame f) {
        BodyReader r = f.reader();
        NamingEvent e = NamingEvent.readFrom(r);
        r.expectEnd();
        return e;
    }
}
