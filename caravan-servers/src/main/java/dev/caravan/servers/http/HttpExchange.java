package dev.caravan.servers.http;

import dev.caravan.wire.ErrorCode;
import dev.caravan.wire.command.Command;
import dev.caravan.wire.command.Reply;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * How an HTTP request reaches a process and how the process answers it: the mapping a node's
 * HTTP data endpoint ({@link HttpCommandProtocol}) applies, so that an HTTP process is an
 * ordinary Caravan process (its state in paged memory, migrating as any other).
 *
 * <pre>
 * request  ──► Command  HTTP &lt;method&gt; &lt;target&gt; &lt;headers&gt; &lt;body&gt;
 *              e.g.     HTTP  GET  /counter  "Host: a\r\nCookie: caravan-session=…\r\n"  ""
 *              headers: the request's header lines in the order sent, each "Name: value\r\n"
 *                       (trimmed; ISO-8859-1 bytes); body: Content-Length bytes (empty when none)
 *
 * reply    ◄── Reply.Array [Integer status, Bulk headers, Bulk body]   status 200..599; headers as above
 *              Reply.Bulk  body                                       200, Content-Type: text/plain
 *              Reply.Error "message"                                  500, the message as a text/plain body
 * </pre>
 *
 * The endpoint frames the response itself: it writes {@code Content-Length} (none for 204 and
 * 304) and {@code Connection}, and drops such lines from the process's block. The commands run
 * with the client connection's {@link dev.caravan.core.process.ClientRef}, one session per
 * connection, as RESP clients' do. Error replies starting {@code MOVED } and {@code TRYAGAIN }
 * are the endpoint's own (see {@link HttpReplyEncoder}); a process must not answer them.
 * Stateless; thread-safe.
 */
public final class HttpExchange {
    /** The command name of every HTTP request. */
    public static final String COMMAND = "HTTP";
    private static final byte[] NAME = COMMAND.getBytes(StandardCharsets.US_ASCII);

    private HttpExchange() {
    }

    /** The command for {@code request} (its arrays are shared, not copied). */
    public static Command toCommand(HttpRequest request) {
        return new Command(new byte[][] {NAME, request.method().getBytes(StandardCharsets.ISO_8859_1),
                request.target().getBytes(StandardCharsets.ISO_8859_1), request.headers(), request.body()});
    }

    /** Whether {@code command} has the shape of an HTTP request. */
    public static boolean isRequest(Command command) {
        return command.name().equals(COMMAND) && command.size() == 5;
    }

    /**
     * The request {@code command} carries, for a process to read.
     *
     * @throws dev.caravan.wire.CaravanException MALFORMED when it is not an HTTP request command
     */
    public static HttpRequest toRequest(Command command) {
        if (!isRequest(command)) {
            throw ErrorCode.MALFORMED.exception("not an HTTP request: expected HTTP <method> <target> <headers> <body>");
        }
        return new HttpRequest(new String(command.arg(1), StandardCharsets.ISO_8859_1),
                new String(command.arg(2), StandardCharsets.ISO_8859_1), true, command.arg(3), command.arg(4));
    }

    /** A process's answer: {@code status} with {@code headers} (a block, see {@link HttpHeaders#block}) and {@code body}. */
    public static Reply reply(int status, String headers, byte[] body) {
        return new Reply.Array(List.of(new Reply.Int(status),
                new Reply.Bulk(headers.getBytes(StandardCharsets.ISO_8859_1)), new Reply.Bulk(body)));
    }

    /** {@link #reply(int, String, byte[])} with a UTF-8 text body. */
    public static Reply reply(int status, String headers, String body) {
        return reply(status, headers, body.getBytes(StandardCharsets.UTF_8));
    }
}
