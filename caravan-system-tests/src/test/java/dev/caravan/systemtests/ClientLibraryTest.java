package dev.caravan.systemtests;

import dev.caravan.client.CaravanClient;
import dev.caravan.client.Location;
import dev.caravan.testsupport.CaravanCluster;
import dev.caravan.wire.CaravanException;
import dev.caravan.wire.ErrorCode;
import dev.caravan.wire.command.Reply;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** The client library against real nodes: calls by name, re-resolution, unknown names. */
class ClientLibraryTest {
    private static CaravanCluster cluster;

    @BeforeAll
    static void startCluster() throws Exception {
        cluster = CaravanCluster.aCluster().withNodes(2).start();
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void shouldCallProcessByName() {
        cluster.deployKv("by-name", "n1");

        Reply set = cluster.client().call("by-name", "SET", "greeting", "hello");
        Reply get = cluster.client().call("by-name", "GET", "greeting");

        assertThat(set).isEqualTo(Reply.OK);
        assertThat(get).isInstanceOfSatisfying(Reply.Bulk.class, b -> assertThat(b.text()).isEqualTo("hello"));
        assertThat(cluster.client().locate("by-name").node()).isEqualTo("n1");
    }

    @Test
    void shouldReresolveAndSucceedWhenProcessRestartedOnAnotherNode() {
        cluster.deployKv("mover", "n1");
        try (CaravanClient client = cluster.newClient()) {
            assertThat(client.call("mover", "SET", "k", "before")).isEqualTo(Reply.OK);
            Location cached = client.locate("mover");
            assertThat(cached.node()).isEqualTo("n1");

            cluster.control("n1").stop("mover");
            cluster.deployKv("mover", "n2");
            Reply set = client.call("mover", "SET", "k", "after");
            Reply get = client.call("mover", "GET", "k");

            assertThat(set).isEqualTo(Reply.OK);
            assertThat(get).isInstanceOfSatisfying(Reply.Bulk.class, b -> assertThat(b.text()).isEqualTo("after"));
            assertThat(client.locate("mover").node()).isEqualTo("n2");
            assertThat(client.relocations()).as("the stale cached location was retried").isPositive();
        }
    }

    @Test
    void shouldFailWithNotFoundForUnknownName() {
        CaravanException e = catchThrowableOfType(CaravanException.class,
                () -> cluster.client().call("no-such-process", "PING"));

        assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND);
        assertThat(e.getMessage()).contains("no-such-process");
    }
}
