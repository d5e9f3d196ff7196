package dev.caravan.switching.config;

import dev.caravan.wire.CaravanException;
import dev.caravan.wire.ErrorCode;

/** Builds the one-line errors of config files and admin requests: where (file, field) and what. */
final class ConfigException {
    private ConfigException() {
    }

    static CaravanException at(String source, String field, String problem) {
        return ErrorCode.INVALID_ARGUMENT.exception(source + ": " + field + ": " + problem);
    }
}
