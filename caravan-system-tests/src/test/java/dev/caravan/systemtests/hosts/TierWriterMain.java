package dev.caravan.systemtests.hosts;

import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A client of a front tier as an application would write one, in a JVM of its own that a test
 * starts inside a test host: resolves {@code switch.<zone>} at the DNS server, connects to the first
 * address that answers, sets {@code w:i} to {@code i} for i = 1, 2, … and waits for each {@code +OK};
 * when its connection breaks or a reply is late ({@value #REPLY_TIMEOUT_MS} ms: a cut link breaks
 * nothing, it only goes silent) it resolves again, tries the addresses it did not just lose first,
 * and sends the write it had in flight again (SET is idempotent).
 *
 * <p>Arguments: {@code DNS_ADDRESS DNS_PORT ZONE FRONT_PORT}. Writes until its standard input closes.
 * Prints one line per event on standard output: {@code connected ADDRESS}, {@code acked N} (at
 * most every 20 ms), {@code reconnected FROM TO GAP_MS} (the gap: from the last acknowledgement
 * through the lost switch to the first through the next), {@code failure TEXT}, and last
 * {@code final ACKED}.
 */
public final class TierWriterMain {
    static final int CONNECT_TIMEOUT_MS = 500;
    static final int REPLY_TIMEOUT_MS = 1000;
    private static final long GIVE_UP_NS = TimeUnit.SECONDS.toNanos(30);

    private final InetSocketAddress dns;
    private final String zone;
    private final int frontPort;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicLong acked = new AtomicLong();

    private TierWriterMain(InetSocketAddress dns, String zone, int frontPort) {
        this.dns = dns;
        this.zone = zone;
        this.frontPort = frontPort;
    }

    public static void main(String[] args) throws Exception {
        TierWriterMain w = new TierWriterMain(new InetSocketAddress(args[0], Integer.parseInt(args[1])), args[2],
                Integer.parseInt(args[3]));
        Thread.ofPlatform().daemon(true).name("stdin-watch").start(() -> {
            try {
                System.in.transferTo(OutputStream.nullOutputStream());
            } catch (IOException ignored) {
                // A broken pipe means the same as EOF: stop.
            }
            w.running.set(false);
        });
        Thread reporter = Thread.ofPlatform().daemon(true).name("reporter").start(w::report);
        w.run();
        reporter.interrupt();
        reporter.join();
        say("final " + w.acked.get());
        System.exit(0);
    }

    private static synchronized void say(String line) {
        System.out.println(line);
        System.out.flush();
    }

    private void report() {
        long last = -1;
        try {
            while (!Thread.currentThread().isInterrupted()) {
                long now = acked.get();
                if (now != last) {
                    say("acked " + now);
                    last = now;
                }
                Thread.sleep(20); // a progress report's period, not synchronization
            }
        } catch (InterruptedException stopped) {
            // Done.
        }
    }

    private void run() {
        long i = 1;
        String lost = "";
        long lastAckNs = 0;
        long brokenSinceNs = 0;
        while (running.get()) {
            String at = "";
            try {
                List<String> addresses = new ArrayList<>(resolve(dns, zone));
                if (addresses.remove(lost)) {
                    addresses.add(lost);
                }
                Socket s = null;
                for (String a : addresses) {
                    try {
                        s = connect(new InetSocketAddress(a, frontPort));
                        at = a;
                        break;
                    } catch (IOException unreachable) {
                        // The next address.
                    }
                }
                if (s == null) {
                    throw new IOException("no switch of " + addresses + " answers");
                }
                say("connected " + at);
                try (Socket socket = s) {
                    OutputStream out = socket.getOutputStream();
                    InputStream in = new BufferedInputStream(socket.getInputStream());
                    while (running.get()) {
                        String value = Long.toString(i);
                        out.write(set("w:" + i, value));
                        String reply = readLine(in);
                        if (!reply.equals("+OK")) {
                            say("failure write " + i + " through " + at + ": " + reply);
                            return;
                        }
                        long now = System.nanoTime();
                        if (brokenSinceNs != 0) {
                            say("reconnected " + lost + " " + at + " " + TimeUnit.NANOSECONDS.toMillis(now - lastAckNs));
                            brokenSinceNs = 0;
                        }
                        lastAckNs = now;
                        acked.set(i);
                        i++;
                    }
                }
            } catch (IOException broken) {
                if (!at.isEmpty()) {
                    lost = at;
                }
                long now = System.nanoTime();
                if (brokenSinceNs == 0) {
                    brokenSinceNs = now;
                } else if (now - brokenSinceNs > GIVE_UP_NS) {
                    say("failure no switch took the writes for 30 s: " + broken);
                    return;
                }
            }
        }
    }

    private static Socket connect(InetSocketAddress to) throws IOException {
        Socket s = new Socket();
        try {
            s.connect(to, CONNECT_TIMEOUT_MS);
            s.setSoTimeout(REPLY_TIMEOUT_MS);
            s.setTcpNoDelay(true);
            return s;
        } catch (IOException e) {
            s.close();
            throw e;
        }
    }

    private static byte[] set(String key, String value) {
        return ("*3\r\n$3\r\nSET\r\n$" + key.length() + "\r\n" + key + "\r\n$" + value.length() + "\r\n" + value + "\r\n")
                .getBytes(StandardCharsets.US_ASCII);
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder b = new StringBuilder();
        int c;
        while ((c = in.read()) != '\n') {
            if (c < 0) {
                throw new IOException("connection closed");
            }
            if (c != '\r') {
                b.append((char) c);
            }
        }
        return b.toString();
    }

    /** The front tier's addresses as the DNS server gives them ({@code switch.<zone>} A records), in answer order. */
    static List<String> resolve(InetSocketAddress dns, String zone) throws IOException {
        SimpleResolver r = new SimpleResolver(dns);
        r.setTimeout(Duration.ofSeconds(1));
        Message answer = r.send(Message.newQuery(Record.newRecord(Name.fromString("switch." + zone + "."), Type.A, DClass.IN)));
        List<String> out = new ArrayList<>();
        for (Record rec : answer.getSection(Section.ANSWER)) {
            out.add(((ARecord) rec).getAddress().getHostAddress());
        }
        return out;
    }
}
