package dev.caravan.wire.security;

import dev.caravan.wire.CaravanException;
import dev.caravan.wire.ErrorCode;
import dev.caravan.wire.Op;
import org.junit.jupiter.api.Test;

import java.util.HexFormat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The tokens file (version 1) and the role table. */
class TokenTableTest {
    private static final String HASH = "a".repeat(64);

    @Test
    void shouldKeepOnlyTheDigestAndIdentifyTheTokenItStandsFor() {
        TokenTable.Added added = TokenTable.empty().add("ann", Role.OPERATOR, "tenant-a");
        String text = added.table().format();
        assertThat(text).startsWith("caravan-tokens 1\n").doesNotContain(added.token())
                .contains("ann operator tenant-a " + HexFormat.of().formatHex(TokenTable.sha256(added.token())));

        TokenTable read = TokenTable.parse(text, "tokens");
        assertThat(read.identify(added.token())).contains(new Identity("ann", Role.OPERATOR, "tenant-a", "token"));
        assertThat(read.identify(added.token() + "x")).isEmpty();
        assertThatThrownBy(() -> read.add("ann", Role.ADMIN, ""))
                .isInstanceOfSatisfying(CaravanException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.ALREADY_EXISTS));
    }

    @Test
    void shouldNameTheLineOfAMalformedFile() {
        assertRefused("", "tokens: empty; a tokens file starts with 'caravan-tokens 1'");
        assertRefused("caravan-tokens 2\n", "tokens:1: expected the header 'caravan-tokens 1' (a tokens file of another version, or not a tokens file)");
        assertRefused("caravan-tokens 1\nann admin -\n", "tokens:2: expected 4 fields 'NAME ROLE SLICE SHA256', got 3");
        assertRefused("caravan-tokens 1\n# c\nann boss - " + HASH + "\n", "tokens:3: unknown role 'boss': use viewer, operator, admin or node");
        assertRefused("caravan-tokens 1\nann admin - secret\n",
                "tokens:2: the SHA-256 must be 64 lower-case hex digits (the token's digest, never the token)");
        assertRefused("caravan-tokens 1\nann admin - " + HASH + "\nbob admin - " + HASH + "\n", "tokens:3: the same token as 'ann'");
        assertRefused("caravan-tokens 1\nann admin Bad " + HASH + "\n",
                "tokens:2: slice 'Bad' must be 1-32 lower-case letters, digits or '-', starting with a letter or digit");
    }

    private static void assertRefused(String text, String message) {
        assertThatThrownBy(() -> TokenTable.parse(text, "tokens")).isInstanceOfSatisfying(CaravanException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT)).hasMessage(message);
    }

    @Test
    void shouldGiveEachOpItsLeastRoleAndUnknownOpsAdmin() {
        Identity viewer = new Identity("v", Role.VIEWER, "", "token");
        Identity tenantAdmin = new Identity("t", Role.ADMIN, "s", "token");
        assertThat(OpPolicy.refusal(viewer, Op.NODE_LIST)).isNull();
        assertThat(OpPolicy.refusal(viewer, Op.NODE_MIGRATE)).isEqualTo("v (role viewer) may not NODE_MIGRATE: needs operator");
        assertThat(OpPolicy.leastRole(0x7777)).isEqualTo(Role.ADMIN);
        assertThat(OpPolicy.leastRole(Op.MIG_COMMIT)).isEqualTo(Role.NODE);
        assertThat(OpPolicy.refusal(tenantAdmin, Op.NODE_START)).isNull();
        assertThat(OpPolicy.refusal(tenantAdmin, Op.NODE_SHUTDOWN)).contains("a tenant may not");
        assertThat(OpPolicy.refusal(Identity.development("cli"), Op.MIG_COMMIT)).isNull();
    }
}
