package dev.caravan.dashboard;

import java.util.List;

/**
 * What the page may ask for (implemented by {@link ControlActions}; tests substitute their own).
 * Each method checks its arguments and throws a {@link dev.caravan.wire.CaravanException} with a
 * one-line message when they are wrong, else starts the action and returns its id at once.
 */
public interface Actions {
    long migrate(String process, String to, String mode);

    long cloneProcess(String process, String to, String name, String mode);

    long checkpoint(String process);

    long drain(String node, String mode);

    /** The actions asked for lately, oldest first. */
    List<ActionView> snapshot();
}
