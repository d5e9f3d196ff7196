package dev.caravan.wire.security;

import dev.caravan.wire.CaravanException;
import dev.caravan.wire.ErrorCode;
import dev.caravan.wire.net.Hello;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What a port with tokens says to a peer: who it is, or in one line what to set. */
class TokenAuthenticatorTest {
    private final TokenTable.Added alice = TokenTable.empty().add("alice", Role.OPERATOR, "team-a");
    private final TokenAuthenticator port = new TokenAuthenticator("", alice.table());

    @Test
    void shouldIdentifyATokenOfTheTable() {
        assertThat(port.authenticate(new Hello("cli", alice.token())))
                .isEqualTo(new Identity("alice", Role.OPERATOR, "team-a", "token"));
    }

    @Test
    void shouldSayNoTokenWasGivenWhenCaravanTokenIsNotSet() {
        assertThatThrownBy(() -> port.authenticate(new Hello("cli", "")))
                .isInstanceOf(CaravanException.class)
                .satisfies(e -> assertThat(((CaravanException) e).code()).isEqualTo(ErrorCode.UNAUTHENTICATED))
                .hasMessage("no token given by cli: set CARAVAN_TOKEN (the cluster token, or a token from 'caravan tokens add')");
    }

    @Test
    void shouldSayAWrongTokenIsUnknown() {
        assertThatThrownBy(() -> port.authenticate(new Hello("cli", "cvt_wrong")))
                .hasMessageStartingWith("unknown token from cli: set CARAVAN_TOKEN");
    }
}
