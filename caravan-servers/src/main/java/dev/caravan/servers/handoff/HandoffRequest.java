package dev.caravan.servers.handoff;

import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.Objects;

/**
 * One TCP handoff as the switch asks a node for it (the descriptor itself travels beside it, as
 * ancillary data; see {@link HandoffCodec} for the bytes).
 *
 * @param token       the cluster token ("" when the cluster has none)
 * @param processName the process whose data endpoint adopts the connection
 * @param epoch       the process epoch the switch expects (naming's); 0 accepts whatever runs now
 * @param ipv6        whether the passed socket is AF_INET6 (a dual-stack socket with an IPv4 client is)
 * @param client      the client's address and port, as the switch accepted it
 * @param alreadyRead the bytes the switch read from the client (its first request), served first
 */
public record HandoffRequest(String token, String processName, long epoch, boolean ipv6, InetSocketAddress client,
                             byte[] alreadyRead) {
    public HandoffRequest {
        Objects.requireNonNull(token, "token");
        Objects.requireNonNull(processName, "processName");
        Objects.requireNonNull(client, "client");
        Objects.requireNonNull(alreadyRead, "alreadyRead");
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof HandoffRequest r && token.equals(r.token) && processName.equals(r.processName) && epoch == r.epoch
                && ipv6 == r.ipv6 && client.equals(r.client) && Arrays.equals(alreadyRead, r.alreadyRead);
    }

    @Override
    public int hashCode() {
        return Objects.hash(processName, epoch, client, Arrays.hashCode(alreadyRead));
    }

    @Override
    public String toString() {
        return "HandoffRequest[" + processName + " epoch " + epoch + " client " + client + ", " + alreadyRead.length
                + " bytes already read]";
    }
}
