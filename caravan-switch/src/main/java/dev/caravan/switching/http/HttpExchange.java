package dev.caravan.switching.http;

import dev.caravan.switching.Dispatcher;
import dev.caravan.switching.Dispatcher.Ticket;
import dev.caravan.switching.Route;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;

import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.concurrent.ScheduledFuture;

/**
 * One request of a client connection, from its head to the last byte of its response: its
 * place in the client's reorder queue, the body parts it still holds, where it was dispatched,
 * and how it may be retried.
 *
 * <p>Request body: while the body is at most {@link HttpLimits#MAX_REPLAY_BODY_BYTES} (or no
 * backend has been attached yet) every part is held, so the request can be resent
 * ({@link #replayable}); past that, parts are handed to the backend connection as they arrive
 * and the request can no longer be resent. Response: parts are written to the client at once
 * when this exchange is the head of the queue, else held in {@link #heldResponse} (the backend
 * connection stops reading meanwhile, so at most one read batch is held).
 *
 * <p>Threading: confined to the client connection's event loop. Ownership: holds one reference
 * to every part in {@link #body} and {@link #heldResponse}; {@link #releaseAll} frees them.
 */
final class HttpExchange {
    final HttpRequest head;
    final Route route;
    final Dispatcher dispatcher;
    final boolean clientKeepAlive;
    final boolean idempotent;
    /** The client asked {@code Expect: 100-continue}; answered once this exchange heads the queue. */
    boolean expectContinue;

    /** Body parts held (null until the first); the empty last part of a body-less request is implied by {@link #requestComplete}. */
    private ArrayDeque<HttpContent> body;
    long bodyBytes;
    boolean requestComplete;
    /** Every byte of the request received so far is still held in {@link #head} and {@link #body}. */
    boolean replayable = true;

    Ticket ticket;
    long sentNs;
    /** The backend connection carrying this exchange now (null while dispatching or connecting). */
    Channel backend;
    /** The request's head reached a backend connection's socket (its fate is unknown if that connection dies). */
    boolean written;
    /** Bounds the wait for the response head of the current send (null: not waiting, or not armed yet). */
    ScheduledFuture<?> responseTimer;
    /** The current send's backend sent its response head (a {@code 421} one included). */
    boolean responseHeadArrived;
    /** The one retry after a written request failed was used. */
    boolean retried;
    int unsentAttempts;
    int movedHops;
    /** A {@code 421 + Caravan-Moved} response is being skipped; resend here once it ends (null: not moved). */
    InetSocketAddress movedTo;
    boolean discardingResponse;

    ArrayDeque<HttpObject> heldResponse;
    /** The last part of the response was received (held or written). */
    boolean responseReceived;
    /** Some part of the response was written to the client: it can no longer be replaced. */
    boolean responseStarted;
    /** The client closed: nothing more is written for this exchange. */
    boolean abandoned;

    HttpExchange(HttpRequest head, Route route, Dispatcher dispatcher, boolean clientKeepAlive) {
        this.head = head;
        this.route = route;
        this.dispatcher = dispatcher;
        this.clientKeepAlive = clientKeepAlive;
        this.idempotent = head != null && isIdempotent(head.method());
        this.requestComplete = head == null;
    }

    /** RFC 9110 §9.2.2: methods whose repetition has the effect of one request. */
    static boolean isIdempotent(HttpMethod m) {
        return m == HttpMethod.GET || m == HttpMethod.HEAD || m == HttpMethod.PUT || m == HttpMethod.DELETE
                || m == HttpMethod.OPTIONS || m == HttpMethod.TRACE;
    }

    /** Reports success or failure to the ticket (if any) and frees its slot, once. */
    void closeTicket(String failure) {
        if (ticket != null) {
            if (failure == null) {
                ticket.onSuccess(System.nanoTime() - sentNs);
            } else {
                ticket.onFailure(failure);
            }
            ticket.close();
            ticket = null;
        }
    }

    /** Frees the ticket's slot without an outcome (the client went away; the backend is not to blame). */
    void dropTicket() {
        if (ticket != null) {
            ticket.close();
            ticket = null;
        }
    }

    /** Stops the response timer, if it runs. */
    void cancelResponseTimer() {
        if (responseTimer != null) {
            responseTimer.cancel(false);
            responseTimer = null;
        }
    }

    /** Holds one part of the request body (and keeps its reference). */
    void hold(HttpContent part) {
        if (part == LastHttpContent.EMPTY_LAST_CONTENT) {
            return;
        }
        if (body == null) {
            body = new ArrayDeque<>(4);
        }
        body.add(part);
    }

    /**
     * Writes the held body to {@code backend} (not flushed): duplicates while the request stays
     * {@link #replayable}, otherwise the parts themselves, which are then no longer held.
     */
    void writeHeldBody(Channel backend, boolean handOver) {
        boolean lastWritten = false;
        if (body != null) {
            if (handOver) {
                HttpContent part;
                while ((part = body.poll()) != null) {
                    lastWritten = part instanceof LastHttpContent;
                    backend.write(part, backend.voidPromise());
                }
            } else {
                for (HttpContent part : body) {
                    lastWritten = part instanceof LastHttpContent;
                    backend.write(part.retainedDuplicate(), backend.voidPromise());
                }
            }
        }
        if (requestComplete && !lastWritten) {
            backend.write(LastHttpContent.EMPTY_LAST_CONTENT, backend.voidPromise());
        }
    }

    void holdResponse(HttpObject part) {
        if (heldResponse == null) {
            heldResponse = new ArrayDeque<>(2);
        }
        heldResponse.add(part);
    }

    /** Drops a response that was held but not written (its backend failed; another may answer). */
    void discardHeldResponse() {
        if (heldResponse != null) {
            heldResponse.forEach(ReferenceCountUtil::release);
            heldResponse.clear();
        }
        responseReceived = false;
    }

    /** Releases the held request body (the request will not be sent again). */
    void releaseBody() {
        if (body != null) {
            body.forEach(ReferenceCountUtil::release);
            body.clear();
        }
        replayable = false;
    }

    void releaseAll() {
        releaseBody();
        discardHeldResponse();
    }
}
