package io.aot.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.aot.avro.CommittedTransaction;
import io.aot.avro.Rejection;
import io.aot.avro.TerminalPayment;
import io.aot.schemas.SampleRecords;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.avro.SchemaNormalization;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AvroCodecTest {

    private final AvroCodec<TerminalPayment> codec = AvroCodec.of(TerminalPayment.class);

    @Test
    void roundTripsARecordWithAnAmountOver64Bits() throws Exception {
        TerminalPayment payment = SampleRecords.aotCoinPayment("tx-1", 1);

        TerminalPayment back = codec.decode(codec.encode(payment));

        assertThat(back).isEqualTo(payment);
        assertThat(back.getAmount().getAmountMinor().toBigIntegerExact()).isEqualTo(SampleRecords.AOT_OVER_64_BITS);
    }

    @Test
    void writesTheAvroSpecSingleObjectEncoding() throws Exception {
        TerminalPayment payment = SampleRecords.cardPayment("tx-2", 2);
        byte[] bytes = codec.encode(payment);

        assertThat(bytes[0]).isEqualTo((byte) 0xC3);
        assertThat(bytes[1]).isEqualTo((byte) 0x01);
        long fingerprint = ByteBuffer.wrap(bytes, 2, 8).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong();
        assertThat(fingerprint).isEqualTo(SchemaNormalization.parsingFingerprint64(TerminalPayment.getClassSchema()));
        // Avro's own decoder reads our bytes, and ours reads Avro's: no private dialect.
        assertThat(TerminalPayment.getDecoder().decode(bytes)).isEqualTo(payment);
        assertThat(codec.decode(payment.toByteBuffer().array())).isEqualTo(payment);
    }

    @Test
    void refusesEmptyAndNull() {
        assertThat(reasonOf(new byte[0])).isEqualTo(AvroDecodeException.Reason.EMPTY);
        assertThat(reasonOf(null)).isEqualTo(AvroDecodeException.Reason.EMPTY);
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"txId\":\"tx\"}", "garbage", "\u00c3"})
    void refusesBytesWithoutTheSingleObjectHeader(String text) {
        assertThat(reasonOf(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)))
                .isEqualTo(AvroDecodeException.Reason.BAD_HEADER);
    }

    @Test
    void refusesARecordOfAnotherSchema() {
        byte[] rejection = AvroCodec.of(CommittedTransaction.class).encode(SampleRecords.committed("tx-3"));

        AvroDecodeException e = catchThrowableOfType(AvroDecodeException.class, () -> codec.decode(rejection));

        assertThat(e.reason()).isEqualTo(AvroDecodeException.Reason.UNKNOWN_FINGERPRINT);
        assertThat(e.getMessage()).contains("io.aot.avro.TerminalPayment");
        assertThat(e.reasonCode()).isEqualTo("DECODE_UNKNOWN_FINGERPRINT");
    }

    @Test
    void everyTruncationIsReportedAsTruncated() {
        byte[] bytes = codec.encode(SampleRecords.aotCoinPayment("tx-4", 4));
        for (int length = AvroCodec.HEADER_BYTES; length < bytes.length; length++) {
            byte[] cut = Arrays.copyOf(bytes, length);
            assertThat(reasonOf(cut)).as("cut at %d of %d bytes", length, bytes.length)
                    .isEqualTo(AvroDecodeException.Reason.TRUNCATED);
        }
        for (int length = 1; length < AvroCodec.HEADER_BYTES; length++) {
            assertThat(reasonOf(Arrays.copyOf(bytes, length))).isEqualTo(AvroDecodeException.Reason.BAD_HEADER);
        }
    }

    @Test
    void refusesTrailingBytes() {
        byte[] bytes = codec.encode(SampleRecords.cardPayment("tx-5", 5));
        byte[] longer = Arrays.copyOf(bytes, bytes.length + 3);

        AvroDecodeException e = catchThrowableOfType(AvroDecodeException.class, () -> codec.decode(longer));
        assertThat(e.reason()).as(e.getMessage()).isEqualTo(AvroDecodeException.Reason.TRAILING_BYTES);
    }

    @Test
    void refusesOversizedInputBeforeReadingIt() {
        AvroCodec<TerminalPayment> small = AvroCodec.of(TerminalPayment.class, 64);
        byte[] bytes = codec.encode(SampleRecords.cardPayment("tx-6", 6));

        AvroDecodeException e = catchThrowableOfType(AvroDecodeException.class, () -> small.decode(bytes));

        assertThat(e.reason()).isEqualTo(AvroDecodeException.Reason.TOO_LARGE);
        assertThatThrownBy(() -> small.encode(SampleRecords.cardPayment("tx-6", 6)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("over the limit of 64");
    }

    @Test
    void refusesAnInvalidUnionIndexAsMalformed() {
        Rejection r = Rejection.newBuilder().setRejectionId("r").setStage("s").setReasonCode("X").setDetail("d")
                .setOriginalBytes(ByteBuffer.wrap(new byte[0])).setRejectedAtMillis(java.time.Instant.EPOCH).build();
        AvroCodec<Rejection> rejections = AvroCodec.of(Rejection.class);
        byte[] bytes = rejections.encode(r);
        // Body: 4 strings of one char (2 bytes each), then the txId union index (0 = null) at offset 10 + 8.
        int unionIndexAt = AvroCodec.HEADER_BYTES + 8;
        assertThat(bytes[unionIndexAt]).isEqualTo((byte) 0);
        bytes[unionIndexAt] = 0x10; // branch 8 of a two-branch union

        AvroDecodeException e = catchThrowableOfType(AvroDecodeException.class, () -> rejections.decode(bytes));

        assertThat(e.reason()).isEqualTo(AvroDecodeException.Reason.MALFORMED);
    }

    /**
     * Garbage behind a valid header is the worst case (the fingerprint check passes). Every outcome must be a record or
     * a typed refusal: no other exception, no out-of-memory from a huge length read off the wire.
     */
    @Test
    void fuzzedBodiesNeverEscapeAsAnythingButATypedError() {
        SplittableRandom random = new SplittableRandom(20261123L);
        byte[] valid = codec.encode(SampleRecords.aotCoinPayment("tx-7", 7));
        Map<AvroDecodeException.Reason, Integer> seen = new EnumMap<>(AvroDecodeException.Reason.class);
        int decoded = 0;
        for (int i = 0; i < 20_000; i++) {
            byte[] input;
            if (i % 2 == 0) {
                input = Arrays.copyOf(valid, AvroCodec.HEADER_BYTES + random.nextInt(400));
                for (int j = AvroCodec.HEADER_BYTES; j < input.length; j++) {
                    input[j] = (byte) random.nextInt(256);
                }
            } else {
                input = valid.clone();
                int flips = 1 + random.nextInt(4);
                for (int f = 0; f < flips; f++) {
                    int at = AvroCodec.HEADER_BYTES + random.nextInt(input.length - AvroCodec.HEADER_BYTES);
                    input[at] ^= (byte) (1 << random.nextInt(8));
                }
            }
            try {
                assertThat(codec.decode(input)).isNotNull();
                decoded++;
            } catch (AvroDecodeException e) {
                seen.merge(e.reason(), 1, Integer::sum);
            }
        }
        assertThat(seen).containsKeys(AvroDecodeException.Reason.TRUNCATED, AvroDecodeException.Reason.MALFORMED);
        assertThat(decoded + seen.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(20_000);
    }

    @Test
    void codecAndFlinkSchemasSurviveJavaSerialization() throws Exception {
        FlinkAvroDeserializationSchema<TerminalPayment> schema = new FlinkAvroDeserializationSchema<>(TerminalPayment.class);
        FlinkAvroDeserializationSchema<TerminalPayment> shipped = roundTripJava(schema);
        FlinkAvroSerializationSchema<TerminalPayment> writer = roundTripJava(
                new FlinkAvroSerializationSchema<>(TerminalPayment.class));
        TerminalPayment payment = SampleRecords.cardPayment("tx-8", 8);

        assertThat(shipped.deserialize(writer.serialize(payment))).isEqualTo(payment);
        assertThat(shipped.getProducedType()).isInstanceOf(AvroTypeInfo.class);
        assertThatThrownBy(() -> shipped.deserialize(new byte[] {1, 2, 3}))
                .isInstanceOfSatisfying(AvroDecodeException.class,
                        e -> assertThat(e.reason()).isEqualTo(AvroDecodeException.Reason.BAD_HEADER));
    }

    private AvroDecodeException.Reason reasonOf(byte[] bytes) {
        AvroDecodeException e = catchThrowableOfType(AvroDecodeException.class, () -> codec.decode(bytes));
        assertThat(e).as("decoding must fail").isNotNull();
        return e.reason();
    }

    @SuppressWarnings("unchecked")
    private static <T> T roundTripJava(T value) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ObjectOutputStream o = new ObjectOutputStream(out)) {
            o.writeObject(value);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(out.toByteArray()))) {
            return (T) in.readObject();
        }
    }
}
