package io.aot.ledger.privacy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class CustomerPseudonymsTest {

    private static final String KEY = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";

    @Test
    void isTheTruncatedHmacUnderTheKeyPrefixedWithTheKeyId() {
        CustomerPseudonyms p = CustomerPseudonyms.parse("k1:" + KEY);
        // HMAC-SHA256(key 00..1f, "tok-1") computed independently with openssl, first 16 bytes:
        // printf 'tok-1' | openssl dgst -sha256 -mac HMAC -macopt hexkey:000102...1f
        assertThat(p.of("tok-1")).isEqualTo("k1:6764d6ec6d15eb7c31d4f49e6f29d670");
        assertThat(p.of("tok-1")).isNotEqualTo(p.of("tok-2")).doesNotContain("tok-1");
        assertThat(p.of(null)).isNull();
    }

    @Test
    void anotherKeyGivesUnlinkablePseudonyms() {
        byte[] other = HexFormat.of().parseHex(KEY);
        other[0] = 1;
        String a = CustomerPseudonyms.parse("k1:" + KEY).of("tok-1");
        String b = new CustomerPseudonyms("k2", other).of("tok-1");
        assertThat(a.substring(3)).isNotEqualTo(b.substring(3));
    }

    @Test
    void refusesShortKeysAndBadIds() {
        assertThatThrownBy(() -> CustomerPseudonyms.parse("k1:0011")).hasMessageContaining("at least 32 bytes");
        assertThatThrownBy(() -> CustomerPseudonyms.parse("K 1:" + KEY)).hasMessageContaining("key id");
        assertThatThrownBy(() -> CustomerPseudonyms.parse(KEY)).isInstanceOf(IllegalArgumentException.class);
    }

    /** Issue #18 item 8: a job's key fails closed (none given, or the public demo key, is an error outside --demo). */
    @Test
    void theDeploymentKeyFailsClosed(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        assertThatThrownBy(() -> CustomerPseudonyms.deploymentKey(null, null, false))
                .hasMessageContaining("--pseudonym-key-file FILE").hasMessageContaining("--demo");
        assertThatThrownBy(() -> CustomerPseudonyms.deploymentKey(CustomerPseudonyms.DEMO_KEY, null, false))
                .hasMessageContaining("public demo key");
        assertThatThrownBy(() -> CustomerPseudonyms.deploymentKey("demo:" + KEY, null, false))
                .hasMessageContaining("public demo key");
        assertThatThrownBy(() -> CustomerPseudonyms.deploymentKey("k1:00ff", null, false))
                .hasMessageContaining("--pseudonym-key").hasMessageContaining("at least 32 bytes");
        assertThat(CustomerPseudonyms.deploymentKey(null, null, true)).isEqualTo(CustomerPseudonyms.DEMO_KEY);
        assertThat(CustomerPseudonyms.deploymentKey(CustomerPseudonyms.DEMO_KEY, null, true))
                .isEqualTo(CustomerPseudonyms.DEMO_KEY);
        assertThat(CustomerPseudonyms.deploymentKey("k1:" + KEY, null, false)).isEqualTo("k1:" + KEY);

        java.nio.file.Path file = dir.resolve("pseudonym.key");
        java.nio.file.Files.writeString(file, "k1:" + KEY + "\n");
        assertThat(CustomerPseudonyms.deploymentKey(null, file, false)).isEqualTo("k1:" + KEY);
        assertThatThrownBy(() -> CustomerPseudonyms.deploymentKey("k1:" + KEY, file, false))
                .hasMessageContaining("not both");
        assertThatThrownBy(() -> CustomerPseudonyms.deploymentKey(null, dir.resolve("missing.key"), false))
                .hasMessageContaining("missing.key").hasMessageContaining("cannot read");
    }
}
