package dev.caravan.naming.zk;

import dev.caravan.wire.ErrorCode;
import org.apache.zookeeper.common.PathUtils;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static dev.caravan.naming.NamingServiceContract.assertCode;
import static org.assertj.core.api.Assertions.assertThat;

class ZnodeNamesTest {
    @Test
    void shouldEncodeEveryNameAsOneValidZnodeNameAndDecodeItBack() {
        SplittableRandom random = new SplittableRandom(12);
        for (int i = 0; i < 2000; i++) {
            StringBuilder b = new StringBuilder();
            int n = 1 + random.nextInt(40);
            for (int k = 0; k < n; k++) {
                int c = random.nextInt(4) == 0 ? random.nextInt(0x20, 0x1F600) : random.nextInt(0x20, 0x7F);
                b.appendCodePoint(c >= Character.MIN_SURROGATE && c <= Character.MAX_SURROGATE ? 'x' : c);
            }
            String name = b.toString();
            String znode = ZnodeNames.encode(name);
            assertThat(znode).doesNotContain("/").matches("[A-Za-z0-9%._~-]+");
            PathUtils.validatePath("/entries/" + znode);
            assertThat(ZnodeNames.decode(znode)).isEqualTo(name);
        }
    }

    @Test
    void shouldKeepReadableNamesReadableAndEscapeSlashesAndDots() {
        assertThat(ZnodeNames.encode("process/kv-1.a_b~")).isEqualTo("process%2Fkv-1.a_b~");
        assertThat(ZnodeNames.encode("a b%")).isEqualTo("a%20b%25");
        assertThat(ZnodeNames.encode(".")).isEqualTo("%2E");
        assertThat(ZnodeNames.encode("..")).isEqualTo("%2E%2E");
        assertThat(ZnodeNames.encode("ü")).isEqualTo("%C3%BC");
        PathUtils.validatePath("/entries/" + ZnodeNames.encode(".."));
    }

    @Test
    void shouldRefuseZnodeNamesItNeverWrites() {
        for (String bad : new String[]{"a%2", "a%zz", "a/b", "a b", "%"}) {
            assertCode(() -> ZnodeNames.decode(bad), ErrorCode.MALFORMED);
        }
    }
}
