package io.aot.ingestion.chain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import org.junit.jupiter.api.Test;

/**
 * JSON-RPC QUANTITY values as the follower reads them ({@link CaverKlaytnRpc#hexBig}): the Ethereum JSON-RPC "hex
 * value encoding" rule (0x, compact hex, zero as 0x0) with go-ethereum/Kaia hexutil's 256-bit bound.
 */
class JsonRpcQuantityTest {

    @Test
    void compactHexQuantitiesAreRead() {
        assertThat(CaverKlaytnRpc.hexBig("0x0", "q")).isZero();
        assertThat(CaverKlaytnRpc.hexBig("0x1", "q")).isEqualTo(BigInteger.ONE);
        assertThat(CaverKlaytnRpc.hexBig("0x5d21dba00", "q")).isEqualTo(BigInteger.valueOf(25_000_000_000L));
        assertThat(CaverKlaytnRpc.hexBig("0xD6D8", "q")).isEqualTo(BigInteger.valueOf(55_000));
        assertThat(CaverKlaytnRpc.hexBig("0x" + "f".repeat(64), "q").bitLength()).isEqualTo(256);
        assertThat(CaverKlaytnRpc.hexLong("0x7fffffffffffffff", "q")).isEqualTo(Long.MAX_VALUE);
        assertThat(CaverKlaytnRpc.hexInt("0x7fffffff", "q")).isEqualTo(Integer.MAX_VALUE);
    }

    @Test
    void anythingElseIsAGarbageAnswerNeverAMisreadNumber() {
        for (String bad : new String[] {"0x", "0x01", "0x00", "0x0400", "0x-1", "0x+1", "-0x1", "1", "ff", "0X1", " 0x1",
            "0x1 ", "0x1g", "0x" + "1".repeat(65), "0x1_0"}) {
            assertThatThrownBy(() -> CaverKlaytnRpc.hexBig(bad, "receipt.status")).as(bad)
                    .isInstanceOf(ChainDataException.class).hasMessageContaining("receipt.status");
        }
        assertThatThrownBy(() -> CaverKlaytnRpc.hexBig(null, "receipt.status")).isInstanceOf(ChainDataException.class);
        // beyond the Java type: a garbage answer too, not an ArithmeticException that would stop the follower
        assertThatThrownBy(() -> CaverKlaytnRpc.hexLong("0x8000000000000000", "block.number"))
                .isInstanceOf(ChainDataException.class);
        assertThatThrownBy(() -> CaverKlaytnRpc.hexInt("0x80000000", "log.logIndex"))
                .isInstanceOf(ChainDataException.class);
    }
}
