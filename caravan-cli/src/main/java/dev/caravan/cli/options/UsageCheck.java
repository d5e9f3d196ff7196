package dev.caravan.cli.options;

import dev.caravan.wire.CaravanException;
import dev.caravan.wire.ErrorCode;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

import java.util.function.Supplier;

/**
 * Checks a command's arguments with the check the lower layers use (their INVALID_ARGUMENT
 * refusal) and turns a refusal into a usage error: exit 2 and one line {@code caravan: … (see
 * 'caravan CMD --help')}, as picocli's own parse errors are, before anything is read or written.
 * Stateless.
 */
public final class UsageCheck {
    private UsageCheck() {
    }

    /**
     * The value of {@code check}.
     *
     * @throws ParameterException when {@code check} refuses with INVALID_ARGUMENT (its message as the usage error);
     *                            any other failure passes unchanged
     */
    public static <T> T check(CommandSpec spec, Supplier<T> check) {
        try {
            return check.get();
        } catch (CaravanException e) {
            if (e.code() != ErrorCode.INVALID_ARGUMENT) {
                throw e;
            }
            throw usage(spec, e.getMessage());
        }
    }

    /** A usage error of {@code spec}'s command saying {@code message}. */
    public static ParameterException usage(CommandSpec spec, String message) {
        return new ParameterException(spec.commandLine(), message);
    }
}
