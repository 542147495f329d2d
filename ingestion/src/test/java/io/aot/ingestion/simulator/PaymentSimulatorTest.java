package io.aot.ingestion.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import io.aot.avro.MerchantCategory;
import io.aot.avro.TerminalPayment;
import io.aot.avro.TransactionKind;
import io.aot.ledger.terminal.TerminalSigning;
import io.aot.schemas.serde.AvroCodec;
import io.aot.schemas.serde.AvroDecodeException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;
import org.junit.jupiter.api.Test;

class PaymentSimulatorTest {

    private static final Instant DAY = Instant.parse("2026-11-22T15:00:00Z"); // midnight in Seoul

    private static List<PaymentSimulator.SimulatedTx> run(long seed, int n, double bad) {
        Fleet fleet = Fleet.generate(seed, 300, 5_000);
        PaymentSimulator sim = new PaymentSimulator(fleet, seed, n, DAY, bad);
        List<PaymentSimulator.SimulatedTx> out = new ArrayList<>();
        while (sim.hasNext()) {
            out.add(sim.next());
        }
        return out;
    }

    /** Seed 7's bytes (5,000 records, 20 % bad), from before batch signing existed: any change here breaks replays. */
    private static final String SEED_7_DIGEST = "bb65c15ca5d14bb8df07c78c4ec2663a1944fb2808923d2a49da76290ae5a220";

    private static String digest(List<PaymentSimulator.SimulatedTx> txs) throws Exception {
        java.security.MessageDigest md = java.security.MessageDigest.getInstance("SHA-256");
        for (PaymentSimulator.SimulatedTx tx : txs) {
            md.update(tx.kind().name().getBytes());
            md.update(String.valueOf(tx.key()).getBytes());
            md.update(tx.value());
        }
        return java.util.HexFormat.of().formatHex(md.digest());
    }

    @Test
    void batchesSignedOnSeveralThreadsHoldExactlyTheBytesOfOneByOne() throws Exception {
        assertThat(digest(run(7, 5_000, 0.2))).isEqualTo(SEED_7_DIGEST);
        Fleet fleet = Fleet.generate(7, 300, 5_000);
        PaymentSimulator sim = new PaymentSimulator(fleet, 7, 5_000, DAY, 0.2);
        java.util.concurrent.ExecutorService signers = java.util.concurrent.Executors.newFixedThreadPool(3);
        List<PaymentSimulator.SimulatedTx> batched = new ArrayList<>();
        try {
            int size = 1;
            while (sim.hasNext()) {
                batched.addAll(sim.nextBatch(size, signers)); // sizes 1, 2, 4, ... 512: copies across batches too
                size = Math.min(512, size * 2);
            }
        } finally {
            signers.shutdownNow();
        }
        assertThat(batched).hasSize(5_000);
        assertThat(batched).extracting(PaymentSimulator.SimulatedTx::index).isSorted();
        assertThat(digest(batched)).isEqualTo(SEED_7_DIGEST);

        List<PaymentSimulator.SimulatedTx> overlapped = new ArrayList<>();
        try (SignedBatches batches = new SignedBatches(new PaymentSimulator(fleet, 7, 5_000, DAY, 0.2), 300, 2)) {
            for (List<PaymentSimulator.SimulatedTx> b = batches.next(); !b.isEmpty(); b = batches.next()) {
                overlapped.addAll(b);
            }
        }
        assertThat(digest(overlapped)).as("batches made while the previous one is consumed").isEqualTo(SEED_7_DIGEST);
    }

    @Test
    void sameSeedSameBytesOtherSeedOtherBytes() {
        List<PaymentSimulator.SimulatedTx> a = run(7, 3_000, 0.05);
        List<PaymentSimulator.SimulatedTx> b = run(7, 3_000, 0.05);
        List<PaymentSimulator.SimulatedTx> c = run(8, 3_000, 0.05);
        for (int i = 0; i < a.size(); i++) {
            assertThat(a.get(i).value()).as("record %d", i).isEqualTo(b.get(i).value());
        }
        assertThat(a.get(10).value()).isNotEqualTo(c.get(10).value());
    }

    @Test
    void merchantRangesHaveTerminalsOfTheirOwnWhoseSequencesStartAtOne() {
        Fleet fleet = Fleet.generate(7, 200, 2_000);
        Fleet first = fleet.merchantRange(0, 100);
        Fleet second = fleet.merchantRange(100, 200);
        assertThat(first.merchants()).extracting(Fleet.Merchant::id).startsWith("M000000").endsWith("M000099");
        assertThat(second.merchants()).extracting(Fleet.Merchant::id).startsWith("M000100").endsWith("M000199");
        assertThat(second.customers()).isEqualTo(fleet.customers());

        Set<String> firstIds = new HashSet<>();
        PaymentSimulator a = new PaymentSimulator(first, 1, 2_000, DAY, 0);
        while (a.hasNext()) {
            firstIds.add(a.next().payment().getTxId());
        }
        PaymentSimulator b = new PaymentSimulator(second, 2, 2_000, DAY, 0);
        Map<String, Long> lowestSequence = new HashMap<>();
        while (b.hasNext()) {
            TerminalPayment p = b.next().payment();
            assertThat(firstIds).as("tx ids of separate ranges never meet").doesNotContain(p.getTxId());
            lowestSequence.merge(p.getTerminalId(), p.getTerminalSequence(), Math::min);
        }
        assertThat(lowestSequence.values()).isNotEmpty().containsOnly(1L);
        assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> fleet.merchantRange(150, 250)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("outside 0..200");
    }

    @Test
    void validRecordsAreSignedByTheirTerminalAndBadOnesAreBadInTheirOwnWay() throws Exception {
        Fleet fleet = Fleet.generate(3, 300, 5_000);
        Map<String, byte[]> keys = new HashMap<>();
        fleet.merchants().forEach(m -> m.terminals().forEach(t -> keys.put(t.id(), t.publicKey())));
        PaymentSimulator sim = new PaymentSimulator(fleet, 3, 5_000, DAY, 0.1);
        AvroCodec<TerminalPayment> codec = AvroCodec.of(TerminalPayment.class);
        Map<PaymentSimulator.Kind, Integer> kinds = new EnumMap<>(PaymentSimulator.Kind.class);
        Set<String> validIds = new HashSet<>();
        Map<String, Long> lastSequence = new HashMap<>();
        while (sim.hasNext()) {
            PaymentSimulator.SimulatedTx tx = sim.next();
            kinds.merge(tx.kind(), 1, Integer::sum);
            switch (tx.kind()) {
                case VALID -> {
                    TerminalPayment p = codec.decode(tx.value());
                    assertThat(verify(keys.get(p.getTerminalId()), p)).as(p.getTxId()).isTrue();
                    assertThat(validIds.add(p.getTxId())).isTrue();
                    assertThat(p.getAmount().getAmountMinor().signum()).isPositive();
                    assertThat(p.getCustomerToken()).startsWith("tok_");
                    Long last = lastSequence.put(p.getTerminalId(), p.getTerminalSequence());
                    assertThat(p.getTerminalSequence()).as("no gap").isEqualTo(last == null ? 1 : last + 1);
                    if (p.getKind() == TransactionKind.REFUND) {
                        assertThat(validIds).contains(p.getOriginalTxId());
                    }
                }
                case BAD_SIGNATURE -> {
                    TerminalPayment p = codec.decode(tx.value());
                    assertThat(verify(keys.get(p.getTerminalId()), p)).isFalse();
                }
                case REPLAY -> assertThat(validIds).contains(codec.decode(tx.value()).getTxId());
                case UNKNOWN_TERMINAL -> assertThat(keys).doesNotContainKey(codec.decode(tx.value()).getTerminalId());
                case MALFORMED -> {
                    try {
                        codec.decode(tx.value());
                        throw new AssertionError("malformed bytes decoded");
                    } catch (AvroDecodeException expected) {
                        // as intended
                    }
                }
            }
        }
        assertThat(kinds).containsKeys(PaymentSimulator.Kind.values());
        assertThat(kinds.get(PaymentSimulator.Kind.VALID)).isBetween(4_300, 4_700);
    }

    @Test
    void theMarketLooksLikeOne() throws Exception {
        AvroCodec<TerminalPayment> codec = AvroCodec.of(TerminalPayment.class);
        Map<MerchantCategory, Integer> categories = new EnumMap<>(MerchantCategory.class);
        Map<String, Integer> byMerchant = new HashMap<>();
        Map<TransactionKind, Integer> kinds = new EnumMap<>(TransactionKind.class);
        int[] byHour = new int[24];
        for (PaymentSimulator.SimulatedTx tx : run(11, 20_000, 0)) {
            TerminalPayment p = codec.decode(tx.value());
            categories.merge(p.getMerchantCategory(), 1, Integer::sum);
            byMerchant.merge(p.getMerchantId(), 1, Integer::sum);
            kinds.merge(p.getKind(), 1, Integer::sum);
            byHour[(int) ((p.getCreatedAtMillis().toEpochMilli() - DAY.toEpochMilli()) / 3_600_000)]++;
        }
        // Zipf: the busiest merchant sees far more than the median one
        List<Integer> counts = new ArrayList<>(byMerchant.values());
        counts.sort(null);
        assertThat(counts.get(counts.size() - 1)).isGreaterThan(10 * counts.get(counts.size() / 2));
        assertThat(byHour[12]).as("lunch peak over 4 am").isGreaterThan(10 * byHour[4]);
        assertThat(kinds.get(TransactionKind.REFUND)).isBetween(200, 600);
        assertThat(kinds.get(TransactionKind.POINT_SWAP)).isBetween(100, 400);
        assertThat(categories.keySet()).hasSizeGreaterThan(10);
    }

    private static boolean verify(byte[] publicKey, TerminalPayment p) {
        Ed25519Signer v = new Ed25519Signer();
        v.init(false, new Ed25519PublicKeyParameters(publicKey, 0));
        byte[] m = TerminalSigning.signBytes(p);
        v.update(m, 0, m.length);
        return v.verifySignature(p.getSignature().array());
    }
}
