package dev.caravan.switching.dns;

import dev.caravan.wire.ErrorCode;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/**
 * A client subnet in CIDR form ({@code 10.1.0.0/16}, {@code 127.0.0.2/32}, {@code fd00::/8}).
 * Host bits below the prefix must be zero: {@code 10.1.2.3/16} is refused rather than guessed.
 *
 * @param network   the network address (4 or 16 bytes)
 * @param prefixBits how many leading bits a client address must share with {@code network}
 */
record Cidr(byte[] network, int prefixBits) {
    Cidr {
        network = network.clone();
    }

    /**
     * Parses {@code address/bits}; a bare address means the whole address (/32 or /128).
     *
     * @throws dev.caravan.wire.CaravanException INVALID_ARGUMENT saying what is wrong
     */
    static Cidr parse(String text) {
        int slash = text.indexOf('/');
        String address = slash < 0 ? text : text.substring(0, slash);
        if (!isLiteral(address)) {
            throw ErrorCode.INVALID_ARGUMENT.exception("'" + text + "' is not a subnet; write it as ADDRESS/BITS, e.g. 10.1.0.0/16");
        }
        byte[] bytes;
        try {
            bytes = InetAddress.getByName(address).getAddress();
        } catch (UnknownHostException e) {
            throw ErrorCode.INVALID_ARGUMENT.exception("'" + text + "' is not a subnet; write it as ADDRESS/BITS, e.g. 10.1.0.0/16");
        }
        int maxBits = bytes.length * 8;
        int bits;
        try {
            bits = slash < 0 ? maxBits : Integer.parseInt(text.substring(slash + 1));
        } catch (NumberFormatException e) {
            bits = -1;
        }
        if (bits < 0 || bits > maxBits) {
            throw ErrorCode.INVALID_ARGUMENT.exception("subnet '" + text + "' needs a prefix length of 0.." + maxBits);
        }
        for (int i = bits; i < maxBits; i++) {
            if (bit(bytes, i)) {
                throw ErrorCode.INVALID_ARGUMENT.exception("subnet '" + text + "' has bits set after its /" + bits
                        + " prefix; write the network address");
            }
        }
        return new Cidr(bytes, bits);
    }

    /** Whether {@code address} (same family) lies in this subnet. */
    boolean contains(InetAddress address) {
        byte[] a = address.getAddress();
        if (a.length != network.length) {
            return false;
        }
        int whole = prefixBits / 8;
        for (int i = 0; i < whole; i++) {
            if (a[i] != network[i]) {
                return false;
            }
        }
        int rest = prefixBits % 8;
        if (rest == 0) {
            return true;
        }
        int mask = (0xFF << (8 - rest)) & 0xFF;
        return (a[whole] & mask) == (network[whole] & mask);
    }

    /** Whether {@code text} is an IPv4 or IPv6 literal (so that parsing never does a DNS lookup). */
    static boolean isLiteral(String text) {
        return !text.isEmpty() && (text.indexOf(':') >= 0 || text.chars().allMatch(c -> c == '.' || (c >= '0' && c <= '9')));
    }

    private static boolean bit(byte[] bytes, int index) {
        return (bytes[index / 8] & (0x80 >>> (index % 8))) != 0;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Cidr c && c.prefixBits == prefixBits && Arrays.equals(c.network, network);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(network) * 31 + prefixBits;
    }

    @Override
    public String toString() {
        try {
            return InetAddress.getByAddress(network).getHostAddress() + "/" + prefixBits;
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}
