package dev.caravan.switching.http;

import dev.caravan.switching.Dispatcher;
import dev.caravan.switching.Dispatcher.Ticket;
import dev.caravan.switching.Route;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMethod;

/**
 * One request of a client connection, from parse to the response written back: its place in
 * the client's reorder queue, where it was dispatched, and how it may be retried.
 *
 * <p>Threading: confined to the client connection's event loop. Ownership: holds one reference
 * to {@link #request} until {@link #finish} and one to {@link #response} until it is written.
 */
final class HttpExchange {
    final FullHttpRequest request;
    final Route route;
    final Dispatcher dispatcher;
    final boolean clientKeepAlive;
    final boolean idempotent;
    Ticket ticket;
    long sentNs;
    /** The request reached a backend connection's socket (its fate is unknown if that connection dies). */
    boolean written;
    /** The one retry after a written request failed was used. */
    boolean retried;
    int unsentAttempts;
    int movedHops;
    FullHttpResponse response;
    boolean finished;

    HttpExchange(FullHttpRequest request, Route route, Dispatcher dispatcher, boolean clientKeepAlive) {
        this.request = request;
        this.route = route;
        this.dispatcher = dispatcher;
        this.clientKeepAlive = clientKeepAlive;
        this.idempotent = request != null && isIdempotent(request.method());
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

    /** Sets the answer (this exchange is done; the request's buffers are released). */
    void finish(FullHttpResponse answer) {
        if (finished) {
            answer.release();
            return;
        }
        finished = true;
        response = answer;
        if (request != null) {
            request.release();
        }
    }
}
