package dev.caravan.switching.resp;

import dev.caravan.switching.Backend;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class KeyPlacementTest {
    private static final int KEYS = 30_000;

    private static Backend member(String id) {
        return new Backend(id, new InetSocketAddress("127.0.0.1", 1), "n1", Map.of());
    }

    private static Map<String, String> homes(List<String> ids) {
        List<Backend> members = ids.stream().map(KeyPlacementTest::member).toList();
        long[] hashes = ids.stream().mapToLong(KeyPlacement::memberHash).toArray();
        Map<String, String> out = new HashMap<>();
        for (int i = 0; i < KEYS; i++) {
            String key = "key:" + i;
            out.put(key, KeyPlacement.homeOf(key.getBytes(StandardCharsets.UTF_8), members, hashes).id());
        }
        return out;
    }

    @Test
    void shouldSpreadKeysEvenlyOverTheMembers() {
        Map<String, Integer> perMember = new HashMap<>();
        homes(List.of("kv-1", "kv-2", "kv-3")).values().forEach(id -> perMember.merge(id, 1, Integer::sum));
        assertThat(perMember).hasSize(3);
        assertThat(perMember.values()).allSatisfy(n -> assertThat(n).isBetween(KEYS / 3 - 600, KEYS / 3 + 600));
    }

    @Test
    void shouldMoveOnlyTheNewMembersShareWhenOneJoins() {
        Map<String, String> before = homes(List.of("kv-1", "kv-2", "kv-3"));
        Map<String, String> after = homes(List.of("kv-1", "kv-2", "kv-3", "kv-4"));
        int moved = 0;
        for (String key : before.keySet()) {
            if (!before.get(key).equals(after.get(key))) {
                assertThat(after.get(key)).as(key + " moves only to the new member").isEqualTo("kv-4");
                moved++;
            }
        }
        assertThat(moved).isBetween(KEYS / 4 - 600, KEYS / 4 + 600);
    }

    @Test
    void shouldMoveOnlyTheLeavingMembersKeysWhenOneLeaves() {
        Map<String, String> before = homes(List.of("kv-1", "kv-2", "kv-3"));
        Map<String, String> after = homes(List.of("kv-1", "kv-3"));
        for (String key : before.keySet()) {
            if (!before.get(key).equals("kv-2")) {
                assertThat(after.get(key)).as(key).isEqualTo(before.get(key));
            }
        }
    }

    @Test
    void shouldPlaceAKeyByTheMemberIdsAloneWhateverTheirOrder() {
        assertThat(homes(List.of("kv-3", "kv-1", "kv-2"))).isEqualTo(homes(List.of("kv-1", "kv-2", "kv-3")));
        assertThat(KeyPlacement.homeOf(new byte[]{1}, List.of(), new long[0])).isNull();
    }
}
