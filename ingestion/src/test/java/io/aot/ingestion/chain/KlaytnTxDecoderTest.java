package io.aot.ingestion.chain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.RawTransaction;
import org.web3j.crypto.TransactionEncoder;
import org.web3j.utils.Numeric;

/**
 * Decoding raw Klaytn transactions. The fee-delegated vectors are the RLP examples of the Klaytn transaction-type
 * documentation (sender 0xa94f..., fee payer 0x5a00..., nonce 1234, gas 1,000,000, gas price 25 peb, chain id 1),
 * with the transaction and sender-transaction hashes the documentation gives for them.
 */
class KlaytnTxDecoderTest {

    private static final String FROM = "0xa94f5374fce5edbc8e2a8697c15331677e6ebf0b";
    private static final String TO = "0x7b65b75d204abed71587c9e519a89277766ee1d0";
    private static final String FEE_PAYER = "0x5a0043070275d9f6054307ee7348bd660849d90f";

    @Test
    void feeDelegatedValueTransfer() throws Exception {
        Map<String, String> tx = KlaytnTxDecoder.decode("0x09f8d68204d219830f4240947b65b75d204abed71587c9e519a89277766ee1d00a94a94f5374fce5edbc8e2a8697c15331677e6ebf0bf845f84325a09f8e49e2ad84b0732984398749956e807e4b526c786af3c5f7416b293e638956a06bf88342092f6ff9fabe31739b2ebfa1409707ce54a54693e91a6b9bb77df0e7945a0043070275d9f6054307ee7348bd660849d90ff845f84326a0f45cf8d7f88c08e6b6ec0b3b562f34ca94283e4689021987abb6b0772ddfd80aa0298fe2c5aeabb6a518f4cbb5ff39631a5d88be505d3923374f65fdcf63c2955b");
        assertThat(tx).containsEntry("type", "TxTypeFeeDelegatedValueTransfer").containsEntry("from", FROM)
                .containsEntry("to", TO).containsEntry("value", "0xa").containsEntry("nonce", "0x4d2")
                .containsEntry("gas", "0xf4240").containsEntry("gasPrice", "0x19").containsEntry("feePayer", FEE_PAYER)
                .doesNotContainKey("feeRatio")
                .containsEntry("txHash", "0xe1e07f9971153499fc8c7bafcdaf7abc20b37aa4c18fb1e53a9bfcc259e3644c")
                .containsEntry("senderTxHash", "0x40f8c94e01e07eb5353f6cd4cd3eabd5893215dd53a50ba4b8ff9a447ac51731");
    }

    @Test
    void feeDelegatedValueTransferWithRatio() throws Exception {
        Map<String, String> tx = KlaytnTxDecoder.decode("0x0af8d78204d219830f4240947b65b75d204abed71587c9e519a89277766ee1d00a94a94f5374fce5edbc8e2a8697c15331677e6ebf0b1ef845f84325a0dde32b8241f039a82b124fe94d3e556eb08f0d6f26d07dcc0f3fca621f1090caa01c8c336b358ab6d3a2bbf25de2adab4d01b754e2fb3b9b710069177d54c1e956945a0043070275d9f6054307ee7348bd660849d90ff845f84326a0091ecf53f91bb97bb694f2f2443f3563ac2b646d651497774524394aae396360a044228b88f275aa1ec1bab43681d21dc7e3a676786ed1906f6841d0a1a188f88a");
        assertThat(tx).containsEntry("type", "TxTypeFeeDelegatedValueTransferWithRatio").containsEntry("from", FROM)
                .containsEntry("feePayer", FEE_PAYER).containsEntry("feeRatio", "0x1e")
                .containsEntry("txHash", "0x83a89f4debd8e9d6374b987e25132b3a4030c9cf9ace2fc6e7d1086fcea2ce40")
                .containsEntry("senderTxHash", "0x4711ed4023e821425968342c1d50063b6bc3176b1792b7075cfeee3656d450f6");
    }

    @Test
    void feeDelegatedValueTransferMemo() throws Exception {
        Map<String, String> tx = KlaytnTxDecoder.decode("0x11f8dc8204d219830f4240947b65b75d204abed71587c9e519a89277766ee1d00a94a94f5374fce5edbc8e2a8697c15331677e6ebf0b8568656c6c6ff845f84326a064e213aef0167fbd853f8f9989ef5d8b912a77457395ccf13d7f37009edd5c5ba05d0c2e55e4d8734fe2516ed56ac628b74c0eb02aa3b6eda51e1e25a1396093e1945a0043070275d9f6054307ee7348bd660849d90ff845f84326a087390ac14d3c34440b6ddb7b190d3ebde1a07d9a556e5a82ce7e501f24a060f9a037badbcb12cda1ed67b12b1831683a08a3adadee2ea760a07a46bdbb856fea44");
        assertThat(tx).containsEntry("type", "TxTypeFeeDelegatedValueTransferMemo").containsEntry("to", TO)
                .containsEntry("feePayer", FEE_PAYER)
                .containsEntry("txHash", "0x8f68882f6192a53ba470aeca1e83ed9b9e519906a91256724b284dee778b21c9")
                .containsEntry("senderTxHash", "0xfffaa2b38d4e684ea70a89c78fc7b2659000d130c76ad721d68175cbfc77c550");
    }

    @Test
    void feeDelegatedSmartContractExecution() throws Exception {
        Map<String, String> tx = KlaytnTxDecoder.decode("0x31f8fb8204d219830f4240947b65b75d204abed71587c9e519a89277766ee1d00a94a94f5374fce5edbc8e2a8697c15331677e6ebf0ba46353586b000000000000000000000000bc5951f055a85f41a3b62fd6f68ab7de76d299b2f845f84325a0253aea7d2c37160da45e84afbb45f6b3341cf1e8fc2df4ecc78f14adb512dc4fa022465b74015c2a8f8501186bb5e200e6ce44be52e9374615a7e7e21c41bc27b5945a0043070275d9f6054307ee7348bd660849d90ff845f84326a0e7c51db7b922c6fa2a941c9687884c593b1b13076bdf0c473538d826bf7b9d1aa05b0de2aabb84b66db8bf52d62f3d3b71b592e3748455630f1504c20073624d80");
        assertThat(tx).containsEntry("type", "TxTypeFeeDelegatedSmartContractExecution").containsEntry("from", FROM)
                .containsEntry("to", TO).containsEntry("feePayer", FEE_PAYER)
                .containsEntry("txHash", "0xef46f28c54b3d90a183e26f406ca1d5cc2b6e9fbb6cfa7c85a10330ffadf54b0")
                .containsEntry("senderTxHash", "0x3cd3380f4206943422d5d5b218dd66d03d60d19a109f9929ea12b52a230257cb");
    }

    @Test
    void aLegacyTransactionsSenderIsRecoveredFromItsSignature() throws Exception {
        Credentials key = Credentials.create("0x45a915e4d060149eb4365960e6a7a45f334393093061116b197e3240065ff2d8");
        RawTransaction raw = RawTransaction.createEtherTransaction(BigInteger.valueOf(7), BigInteger.valueOf(25_000_000_000L),
                BigInteger.valueOf(21_000), TO, BigInteger.valueOf(1_000));
        String hex = Numeric.toHexString(TransactionEncoder.signMessage(raw, 1001L, key));
        Map<String, String> tx = KlaytnTxDecoder.decode(hex);
        assertThat(tx).containsEntry("type", "TxTypeLegacyTransaction").containsEntry("from", key.getAddress().toLowerCase())
                .containsEntry("to", TO).containsEntry("value", "0x3e8").containsEntry("nonce", "0x7")
                .containsEntry("gasPrice", "0x5d21dba00").doesNotContainKey("feePayer");
        assertThat(tx.get("senderTxHash")).isEqualTo(tx.get("txHash"));
        assertThat(KlaytnTxDecoder.toJson(tx)).startsWith("{\"type\": \"TxTypeLegacyTransaction\", \"from\": \"0x");
    }

    /** Every "RLP Encoding (Example)" of the Kaia transaction-type docs (resource file names the docs' commit). */
    static Stream<Arguments> kaiaDocsExamples() throws IOException {
        try (InputStream in = KlaytnTxDecoderTest.class.getResourceAsStream("/klaytn/kaia-docs-rlp-examples.tsv")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().filter(l -> !l.startsWith("#"))
                    .map(l -> l.split("\t", -1)).map(f -> Arguments.of((Object[]) f)).toList().stream();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kaiaDocsExamples")
    void everyPublishedKaiaExampleDecodesToItsDocumentedSenderAndHashes(String type, String raw, String txHash,
            String senderTxHash, String from, String feePayer, String feeRatioPercent) throws Exception {
        if (type.equals("TxTypeEthereumBlob") || type.equals("TxTypeEthereumSetCode")) {
            // caver-java 1.12 predates these Kaia types: refused by name, never decoded as something else
            assertThatThrownBy(() -> KlaytnTxDecoder.decode(raw))
                    .isInstanceOf(KlaytnTxDecoder.InvalidTransactionException.class)
                    .hasMessageContaining(type + " is not supported");
            return;
        }
        if (type.contains("SmartContractDeploy")) {
            // The docs' deploy examples name a `to`, which the same page's attribute table says "must be nil"; caver
            // (as the node) refuses them: the decoder passes the reason on.
            assertThatThrownBy(() -> KlaytnTxDecoder.decode(raw))
                    .isInstanceOf(KlaytnTxDecoder.InvalidTransactionException.class)
                    .hasMessageContaining("'to' field must be nil");
            return;
        }
        Map<String, String> tx = KlaytnTxDecoder.decode(raw);
        assertThat(tx).containsEntry("type", type).containsEntry("from", from).containsEntry("txHash", txHash)
                .containsEntry("senderTxHash", senderTxHash.isEmpty() ? txHash : senderTxHash);
        if (feePayer.isEmpty()) {
            assertThat(tx).doesNotContainKeys("feePayer", "feePayerSigned", "feeRatio");
        } else {
            assertThat(tx).containsEntry("feePayer", feePayer).containsEntry("feePayerSigned", "true");
        }
        if (!feeRatioPercent.isEmpty()) {
            assertThat(tx).containsEntry("feeRatio", "0x" + Integer.toHexString(Integer.parseInt(feeRatioPercent)));
        }
    }

    /** The docs' 0x09 example before the fee payer signed: feePayer 0x (empty), feePayerSignatures [[0x01, 0x, 0x]]. */
    private static final String FEE_DELEGATED_SENDER_ONLY = "0x09f8808204d219830f4240947b65b75d204abed71587c9e519a89277766ee1d00a94a94f5374fce5edbc8e2a8697c15331677e6ebf0bf845f84325a09f8e49e2ad84b0732984398749956e807e4b526c786af3c5f7416b293e638956a06bf88342092f6ff9fabe31739b2ebfa1409707ce54a54693e91a6b9bb77df0e780c4c3018080";

    @Test
    void aFeeDelegatedTransactionSignedByTheSenderOnlySaysTheFeePayerHasNotSigned() throws Exception {
        Map<String, String> tx = KlaytnTxDecoder.decode(FEE_DELEGATED_SENDER_ONLY);
        assertThat(tx).containsEntry("type", "TxTypeFeeDelegatedValueTransfer").containsEntry("from", FROM)
                .containsEntry("feePayerSigned", "false")
                .containsEntry("senderTxHash", "0x40f8c94e01e07eb5353f6cd4cd3eabd5893215dd53a50ba4b8ff9a447ac51731")
                .doesNotContainKeys("feePayer", "txHash"); // the final hash depends on the fee payer and its signature
    }

    @Test
    void trailingBytesAfterTheTransactionAreRefused() {
        String valid = "0x09f8d68204d219830f4240947b65b75d204abed71587c9e519a89277766ee1d00a94a94f5374fce5edbc8e2a8697c15331677e6ebf0bf845f84325a09f8e49e2ad84b0732984398749956e807e4b526c786af3c5f7416b293e638956a06bf88342092f6ff9fabe31739b2ebfa1409707ce54a54693e91a6b9bb77df0e7945a0043070275d9f6054307ee7348bd660849d90ff845f84326a0f45cf8d7f88c08e6b6ec0b3b562f34ca94283e4689021987abb6b0772ddfd80aa0298fe2c5aeabb6a518f4cbb5ff39631a5d88be505d3923374f65fdcf63c2955b";
        for (String trailing : new String[] {"00", "80", "c0", "0000"}) {
            assertThatThrownBy(() -> KlaytnTxDecoder.decode(valid + trailing)).as(trailing)
                    .isInstanceOf(KlaytnTxDecoder.InvalidTransactionException.class)
                    .hasMessageContaining((trailing.length() / 2) + " trailing byte");
        }
        // a nonce written with a leading zero byte (0x8204d2 -> 0x830004d2): not the canonical RLP a node accepts
        String nonCanonical = "0x09f8d7830004d2" + valid.substring(14);
        assertThatThrownBy(() -> KlaytnTxDecoder.decode(nonCanonical))
                .isInstanceOf(KlaytnTxDecoder.InvalidTransactionException.class).hasMessageContaining("canonical");
    }

    @Test
    void invalidInputIsRefusedWithAReason() {
        for (String bad : new String[] {"", "0x", "zz", "0x123", "0xdeadbeef", "0x09f8d68204d219830f42",
            "0x" + "ff".repeat(200)}) {
            assertThatThrownBy(() -> KlaytnTxDecoder.decode(bad)).as(bad)
                    .isInstanceOf(KlaytnTxDecoder.InvalidTransactionException.class).hasMessageContaining("not");
        }
    }
}
