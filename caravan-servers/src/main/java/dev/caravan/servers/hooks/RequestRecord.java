package dev.caravan.servers.hooks;

import dev.caravan.servers.http.HttpRequest;
import dev.caravan.servers.http.HttpResponse;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One request on its way through the phases (Apache's {@code request_rec}): the request, the
 * resource name the translate phase chose, notes modules leave each other, the response a handler
 * set, and a trace of which hooks ran ("module:PHASE").
 *
 * <p>Threading: confined to the thread serving the request.
 */
public final class RequestRecord {
    private final HttpRequest request;
    private String resource;
    private HttpResponse response;
    private final Map<String, String> notes = new HashMap<>();
    private final List<String> trace = new ArrayList<>();

    RequestRecord(HttpRequest request) {
        this.request = request;
        this.resource = request.target();
    }

    public HttpRequest request() {
        return request;
    }

    /** The resource name; the request target until a translate hook sets it. */
    public String resource() {
        return resource;
    }

    public void resource(String r) {
        resource = r;
    }

    /** The response, set by the handler (or by the pipeline for an error); null before. */
    public HttpResponse response() {
        return response;
    }

    public void response(HttpResponse r) {
        response = r;
    }

    public Map<String, String> notes() {
        return notes;
    }

    /** "module:PHASE" for every hook that ran, in order. */
    public List<String> trace() {
        return trace;
    }
}
