package dev.caravan.servers.hooks;

import java.util.function.Consumer;

/** A module: a name and the hooks it registers (Apache's {@code register_hooks}). */
public interface Module {
    String name();

    /** Registers this module's hooks; called once, before serving. */
    void registerHooks(HookPipeline pipeline);

    /** A module from a name and a registration function. */
    static Module of(String name, Consumer<HookPipeline> hooks) {
        return new Module() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public void registerHooks(HookPipeline pipeline) {
                hooks.accept(pipeline);
            }
        };
    }
}
