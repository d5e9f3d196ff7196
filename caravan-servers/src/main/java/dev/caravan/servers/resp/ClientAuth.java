package dev.caravan.servers.resp;

import dev.caravan.wire.command.Command;
import dev.caravan.wire.command.Reply;

/**
 * How an endpoint follows a client's authentication from the replies the process gives it, so
 * that Redis's limits for unauthenticated clients end exactly when the process's session is
 * authenticated (the process decides; the endpoint only reads its answers):
 *
 * <pre>
 * AUTH …                      +OK                                → authenticated
 * HELLO …                     anything but an error              → authenticated (an unauthenticated
 *                                                                   HELLO without AUTH is answered NOAUTH)
 * HELLO … AUTH u p … bad opt  -ERR … (a later option's error)    → authenticated: redis-server 7.0.15
 *                                                                   applies AUTH where it meets it
 * HELLO … AUTH u wrong …      -WRONGPASS …                       → not authenticated
 * RESET                       +RESET                             → not authenticated again
 * </pre>
 *
 * For an error reply to HELLO the options are walked as redis-server 7.0.15's
 * {@code helloCommand} walks them ({@code AUTH} takes two values, {@code SETNAME} one and stops
 * the walk on a name with a byte outside {@code '!'..'~'}, anything else stops it): the client
 * is authenticated when the walk reaches an {@code AUTH} and the error is not about its
 * password. Checked against redis-server 7.0.15 (see {@code ClientAuthTest}). One case cannot be
 * told from the reply: a HELLO with two AUTH options answered WRONGPASS (the first may have
 * succeeded); it is read as not authenticated, so that client keeps the stricter limits. No
 * client library sends that. Pure; any thread.
 */
final class ClientAuth {
    private ClientAuth() {
    }

    /** Whether {@code reply} to an {@code AUTH} shows the client authenticated. */
    static boolean byAuth(Reply reply) {
        return reply.equals(Reply.OK);
    }

    /** Whether {@code reply} to {@code hello} shows the client authenticated (see the class comment). */
    static boolean byHello(Command hello, Reply reply) {
        if (!(reply instanceof Reply.Error e)) {
            return true;
        }
        String text = e.text();
        // Errors before the options are read (version), or about the password itself.
        if (hello.size() < 3 || text.startsWith("WRONGPASS") || text.startsWith("NOPROTO") || text.startsWith("NOAUTH")
                || text.startsWith("ERR Protocol version")) {
            return false;
        }
        for (int j = 2; j < hello.size(); j++) {
            int more = hello.size() - 1 - j;
            if (hello.isOffHeap(j)) {
                return false;
            }
            String opt = hello.text(j);
            if (opt.equalsIgnoreCase("AUTH") && more >= 2) {
                return true;
            } else if (opt.equalsIgnoreCase("SETNAME") && more >= 1) {
                if (hello.isOffHeap(j + 1) || !validName(hello.arg(j + 1))) {
                    return false;
                }
                j++;
            } else {
                return false;
            }
        }
        return false;
    }

    /** redis-server 7.0's {@code validateClientName}: every byte from '!' to '~'. */
    private static boolean validName(byte[] name) {
        for (byte b : name) {
            if (b < '!' || b > '~') {
                return false;
            }
        }
        return true;
    }
}
