package dev.caravan.launch.zk;

import dev.caravan.wire.security.TransportSecurity;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;

/**
 * ZooKeeper's four-letter words ({@code ruok}, {@code srvr}, {@code stat}), sent to a server's
 * client port as ZooKeeper's administrator's guide describes: the word is written, the server
 * answers in text and closes the connection. The server answers only the words in its
 * {@code zookeeper.4lw.commands.whitelist} ({@link ZooKeeperMain} allows {@value ZooKeeperMain#FOUR_LETTER_WORDS}).
 * Stateless; thread-safe.
 */
public final class FourLetterWords {
    /** The most of an answer read; {@code srvr} and {@code stat} answer a few hundred bytes. */
    private static final int MAX_ANSWER_BYTES = 64 * 1024;

    private FourLetterWords() {
    }

    /**
     * Sends {@code word} and returns the whole answer.
     *
     * @throws IOException if the server cannot be reached or does not answer within {@code timeout}
     */
    public static String ask(InetSocketAddress server, String word, Duration timeout) throws IOException {
        return ask(server, word, timeout, TransportSecurity.plaintext());
    }

    /** As above over {@code security} (a secure client port takes the words over TLS, as ZooKeeper's Netty server does). */
    public static String ask(InetSocketAddress server, String word, Duration timeout, TransportSecurity security) throws IOException {
        try (Socket s = security.newClientSocket()) {
            s.connect(server, (int) timeout.toMillis());
            s.setSoTimeout((int) timeout.toMillis());
            s.getOutputStream().write(word.getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
            InputStream in = s.getInputStream();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buf = new byte[4096];
            int n;
            while ((n = in.read(buf)) >= 0) {
                if (out.size() + n > MAX_ANSWER_BYTES) {
                    throw new IOException(server + " answered " + word + " with more than " + MAX_ANSWER_BYTES + " bytes");
                }
                out.write(buf, 0, n);
            }
            return out.toString(StandardCharsets.US_ASCII);
        }
    }

    /**
     * The server's role from {@code srvr}'s {@code Mode:} line: {@code leader}, {@code follower},
     * {@code observer} or {@code standalone}; empty when it does not answer or is not serving
     * (a quorum member without a quorum answers "This ZooKeeper instance is not currently serving requests").
     */
    public static Optional<String> mode(InetSocketAddress server, Duration timeout) {
        return mode(server, timeout, TransportSecurity.plaintext());
    }

    /** As above over {@code security}. */
    public static Optional<String> mode(InetSocketAddress server, Duration timeout, TransportSecurity security) {
        try {
            for (String line : ask(server, "srvr", timeout, security).split("\n")) {
                if (line.startsWith("Mode: ")) {
                    return Optional.of(line.substring("Mode: ".length()).trim());
                }
            }
            return Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
