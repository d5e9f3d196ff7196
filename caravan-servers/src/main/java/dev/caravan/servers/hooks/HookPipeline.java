package dev.caravan.servers.hooks;

import dev.caravan.servers.binary.RequestDelay;
import dev.caravan.servers.http.HttpProtocol;
import dev.caravan.servers.http.HttpRequest;
import dev.caravan.servers.http.HttpResponse;
import dev.caravan.wire.ErrorCode;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A modular server's request path (the chapter's Apache example): {@link Phase}s in order, each
 * a list of hooks that modules registered with a {@link HookOrder}. Run on any server model with
 * {@link #protocol()}.
 *
 * <p>Outcomes: an error from TRANSLATE_NAME, CHECK_ACCESS or HANDLER answers with its status;
 * a HANDLER phase where every hook DECLINED answers 404; OK from a handler that set no response
 * is a 500. LOG always runs, last, and sees the response.
 *
 * <p>Threading: register every module before {@link #protocol()} or the first {@link #process};
 * the hook lists then freeze and processing is thread-safe. Registering later is INVALID_ARGUMENT.
 */
public final class HookPipeline {
    private record Registered(String module, HookOrder order, int seq, Hook hook) {
    }

    private final Map<Phase, List<Registered>> hooks = new EnumMap<>(Phase.class);
    private volatile boolean frozen;
    private int seq;

    public HookPipeline() {
        for (Phase p : Phase.values()) {
            hooks.put(p, new ArrayList<>());
        }
    }

    /** Lets a module register its hooks. */
    public HookPipeline install(Module module) {
        module.registerHooks(this);
        return this;
    }

    /** Registers one hook. */
    public synchronized HookPipeline register(String module, Phase phase, HookOrder order, Hook hook) {
        if (frozen) {
            throw ErrorCode.INVALID_ARGUMENT.exception("hooks are frozen once the pipeline serves");
        }
        List<Registered> list = hooks.get(phase);
        list.add(new Registered(module, order, seq++, hook));
        list.sort(Comparator.comparing(Registered::order).thenComparingInt(Registered::seq));
        return this;
    }

    /** The modules' names for one phase, in the order their hooks run. */
    public synchronized List<String> order(Phase phase) {
        return hooks.get(phase).stream().map(Registered::module).toList();
    }

    /** Runs every phase for one request; the trace lands in {@code onRecord} (tests, logs) when given. */
    public HttpResponse process(HttpRequest request, Consumer<RequestRecord> onRecord) {
        frozen = true;
        RequestRecord r = new RequestRecord(request);
        HookResult result = run(Phase.TRANSLATE_NAME, r);
        if (!result.isError()) {
            result = run(Phase.CHECK_ACCESS, r);
        }
        if (!result.isError()) {
            result = run(Phase.HANDLER, r);
            if (result.kind() == HookResult.Kind.DECLINED) {
                result = HookResult.error(404, "no handler for " + r.resource());
            } else if (result.kind() == HookResult.Kind.OK && r.response() == null) {
                result = HookResult.error(500, "handler set no response");
            }
        }
        if (result.isError()) {
            r.response(HttpResponse.text(result.status(), reason(result.status()), result.reason()));
        }
        run(Phase.LOG, r);
        if (onRecord != null) {
            onRecord.accept(r);
        }
        return r.response();
    }

    public HttpResponse process(HttpRequest request) {
        return process(request, null);
    }

    private HookResult run(Phase phase, RequestRecord r) {
        List<Registered> list;
        synchronized (this) {
            list = List.copyOf(hooks.get(phase));
        }
        HookResult last = HookResult.DECLINED;
        for (Registered h : list) {
            r.trace().add(h.module() + ":" + phase);
            HookResult res;
            try {
                res = h.hook().run(r);
            } catch (RuntimeException e) {
                // a broken module answers this request with 500; the connection and server live on
                res = HookResult.error(500, h.module() + " failed in " + phase + ": " + e.getMessage());
            }
            if (res.isError() || (phase.runFirst() && res.kind() == HookResult.Kind.OK)) {
                return res;
            }
            if (res.kind() == HookResult.Kind.OK) {
                last = HookResult.OK;
            }
        }
        return last;
    }

    private static String reason(int status) {
        return switch (status) {
            case 400 -> "Bad Request";
            case 401 -> "Unauthorized";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            default -> status >= 500 ? "Internal Server Error" : "Error";
        };
    }

    /** This pipeline as HTTP/1.1 keep-alive on any server model (freezes the hooks). */
    public HttpProtocol protocol() {
        frozen = true;
        return new HttpProtocol(this::process, RequestDelay.NONE);
    }
}
