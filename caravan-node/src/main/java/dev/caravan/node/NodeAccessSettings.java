package dev.caravan.node;

import dev.caravan.node.slice.SliceRegistry;
import dev.caravan.wire.security.TokenTable;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Who may use a node's control port and for what, beside its cluster token: tokens with roles
 * ({@code caravan node --tokens FILE}) and the directory of slice definitions
 * ({@code --slices-dir DIR}). Read once at start; the slice files are read again at each deploy.
 *
 * @param tokens    tokens with roles; {@link TokenTable#empty()} for none
 * @param slicesDir where slice definitions live ({@link SliceRegistry})
 */
public record NodeAccessSettings(TokenTable tokens, Path slicesDir) {
    public NodeAccessSettings {
        Objects.requireNonNull(tokens, "tokens");
        Objects.requireNonNull(slicesDir, "slicesDir");
    }

    /** No tokens besides the cluster token; slices in {@link SliceRegistry#DEFAULT_DIR}. */
    public static NodeAccessSettings defaults() {
        return new NodeAccessSettings(TokenTable.empty(), SliceRegistry.DEFAULT_DIR);
    }
}
