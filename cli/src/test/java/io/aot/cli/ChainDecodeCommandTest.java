package io.aot.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** {@code aot chain decode}: JSON for a Klaytn transaction, exit 2 and one line for anything else. */
class ChainDecodeCommandTest {

    private record Run(int exit, String out, String err) {
    }

    private static Run run(String... args) {
        PrintStream out0 = System.out;
        PrintStream err0 = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            int exit = Main.commandLine().execute(args);
            return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(out0);
            System.setErr(err0);
        }
    }

    @Test
    void aFeeDelegatedTransferIsPrintedAsJson() {
        Run r = run("chain", "decode", "0x0af8d78204d219830f4240947b65b75d204abed71587c9e519a89277766ee1d00a94a94f5374fce5edbc8e2a8697c15331677e6ebf0b1ef845f84325a0dde32b8241f039a82b124fe94d3e556eb08f0d6f26d07dcc0f3fca621f1090caa01c8c336b358ab6d3a2bbf25de2adab4d01b754e2fb3b9b710069177d54c1e956945a0043070275d9f6054307ee7348bd660849d90ff845f84326a0091ecf53f91bb97bb694f2f2443f3563ac2b646d651497774524394aae396360a044228b88f275aa1ec1bab43681d21dc7e3a676786ed1906f6841d0a1a188f88a");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).isEqualTo("{\"type\": \"TxTypeFeeDelegatedValueTransferWithRatio\", "
                + "\"from\": \"0xa94f5374fce5edbc8e2a8697c15331677e6ebf0b\", "
                + "\"to\": \"0x7b65b75d204abed71587c9e519a89277766ee1d0\", \"value\": \"0xa\", \"nonce\": \"0x4d2\", "
                + "\"gas\": \"0xf4240\", \"gasPrice\": \"0x19\", \"feePayer\": \"0x5a0043070275d9f6054307ee7348bd660849d90f\", "
                + "\"feePayerSigned\": \"true\", \"feeRatio\": \"0x1e\", \"txHash\": \"0x83a89f4debd8e9d6374b987e25132b3a4030c9cf9ace2fc6e7d1086fcea2ce40\", "
                + "\"senderTxHash\": \"0x4711ed4023e821425968342c1d50063b6bc3176b1792b7075cfeee3656d450f6\"}\n");
    }

    @Test
    void aTransactionWithTrailingBytesExitsWith2() {
        Run r = run("chain", "decode", "0x09f8d68204d219830f4240947b65b75d204abed71587c9e519a89277766ee1d00a94a94f5374fce5edbc8e2a8697c15331677e6ebf0bf845f84325a09f8e49e2ad84b0732984398749956e807e4b526c786af3c5f7416b293e638956a06bf88342092f6ff9fabe31739b2ebfa1409707ce54a54693e91a6b9bb77df0e7945a0043070275d9f6054307ee7348bd660849d90ff845f84326a0f45cf8d7f88c08e6b6ec0b3b562f34ca94283e4689021987abb6b0772ddfd80aa0298fe2c5aeabb6a518f4cbb5ff39631a5d88be505d3923374f65fdcf63c2955b00");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).isEqualTo("aot chain decode: 1 trailing byte(s) after the transaction\n");
    }

    @Test
    void aSenderOnlySignedFeeDelegatedTransactionHasNoFinalHash() {
        Run r = run("chain", "decode", "0x09f8808204d219830f4240947b65b75d204abed71587c9e519a89277766ee1d00a94a94f5374fce5edbc8e2a8697c15331677e6ebf0bf845f84325a09f8e49e2ad84b0732984398749956e807e4b526c786af3c5f7416b293e638956a06bf88342092f6ff9fabe31739b2ebfa1409707ce54a54693e91a6b9bb77df0e780c4c3018080");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).contains("\"feePayerSigned\": \"false\"",
                        "\"senderTxHash\": \"0x40f8c94e01e07eb5353f6cd4cd3eabd5893215dd53a50ba4b8ff9a447ac51731\"")
                .doesNotContain("txHash\": ", "\"feePayer\": ");
    }

    @Test
    void invalidInputExitsWith2AndOneLine() {
        for (String bad : new String[] {"hello", "0xdeadbeef", "0x0af8d782"}) {
            Run r = run("chain", "decode", bad);
            assertThat(r.exit()).as(bad).isEqualTo(2);
            assertThat(r.out()).isEmpty();
            assertThat(r.err()).startsWith("aot chain decode: ").endsWith("\n");
            assertThat(r.err().strip()).doesNotContain("\n");
        }
    }
}
