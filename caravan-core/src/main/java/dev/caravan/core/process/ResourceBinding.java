package dev.caravan.core.process;

/**
 * A resource a process uses, declared so that migration can decide what to do with it
 * (the chapter's process-to-resource × resource-to-machine table).
 *
 * @param name       the process's name for it
 * @param binding    how the process refers to it
 * @param attachment how tied the resource is to its machine
 * @param uri        where it is (a file path, host:port, device id, library name)
 */
public record ResourceBinding(String name, Binding binding, Attachment attachment, String uri) {

    /** Process-to-resource binding. */
    public enum Binding {
        /** Needs exactly this resource (a URL, an IP address, a particular file). */
        BY_IDENTIFIER,
        /** Needs the value only; any copy with the same content will do (a library). */
        BY_VALUE,
        /** Needs any resource of a kind (a local printer, a local monitor). */
        BY_TYPE
    }

    /** Resource-to-machine binding. */
    public enum Attachment {
        /** Easily moved (a data file). */
        UNATTACHED,
        /** Movable at a cost (a local database, a complete web site). */
        FASTENED,
        /** Cannot leave its machine (a local device, a communication endpoint). */
        FIXED
    }

    /** What migration does with the resource. */
    public enum Action {
        /** Move the resource with the process. */
        MOVE,
        /** Leave it and refer to it by a global, network-wide reference. */
        GLOBAL_REFERENCE,
        /** Copy its value to the destination. */
        COPY,
        /** Rebind the process to a local resource of the same type at the destination. */
        REBIND
    }

    /**
     * The chapter's preferred action for this cell (the first entry of each cell of the table;
     * the alternatives in parentheses are chosen by migration when the preferred one is not
     * possible).
     */
    public Action preferredAction() {
        return switch (binding) {
            case BY_IDENTIFIER -> attachment == Attachment.UNATTACHED ? Action.MOVE : Action.GLOBAL_REFERENCE;
            case BY_VALUE -> attachment == Attachment.UNATTACHED ? Action.COPY : Action.GLOBAL_REFERENCE;
            case BY_TYPE -> Action.REBIND;
        };
    }
}
