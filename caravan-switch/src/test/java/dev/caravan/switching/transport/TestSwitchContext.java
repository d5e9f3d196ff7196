package dev.caravan.switching.transport;

import dev.caravan.core.time.Clock;
import dev.caravan.naming.NamingService;
import dev.caravan.switching.Dispatcher;
import dev.caravan.switching.FrontendSpec;
import dev.caravan.switching.Route;
import dev.caravan.switching.SwitchContext;

import java.util.Map;

/** A switch context for data-plane tests: one dispatcher per route, no naming. */
public record TestSwitchContext(Map<Route, Dispatcher> dispatchers) implements SwitchContext {
    @Override
    public Dispatcher dispatcher(FrontendSpec frontend, Route route) {
        return dispatchers.get(route);
    }

    @Override
    public NamingService naming() {
        throw new UnsupportedOperationException("no naming in data-plane tests");
    }

    @Override
    public Clock clock() {
        return Clock.system();
    }

    @Override
    public String linkToken() {
        return "";
    }

    @Override
    public String switchId() {
        return "s-test";
    }
}
