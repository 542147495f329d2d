package io.aot.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.CqlSession;
import io.aot.avro.CommittedTransaction;
import io.aot.avro.Currency;
import io.aot.avro.MerchantCategory;
import io.aot.avro.Money;
import io.aot.avro.PaymentMethod;
import io.aot.avro.Rejection;
import io.aot.avro.Region;
import io.aot.avro.SignatureAlgorithm;
import io.aot.avro.TerminalPayment;
import io.aot.avro.TransactionKind;
import io.aot.avro.WalletProvider;
import io.aot.consensus.flink.source.CommittedTx;
import io.aot.ingestion.simulator.Fleet;
import io.aot.jobs.baseline.InProcessChain;
import io.aot.jobs.store.LedgerStoreJob;
import io.aot.ledger.state.LedgerGenesis;
import io.aot.ledger.state.WalletSignatures;
import io.aot.localstack.CassandraNode;
import io.aot.localstack.junit.CassandraExtension;
import io.aot.schemas.cql.CqlSchema;
import io.aot.schemas.cql.Keyspace;
import io.aot.schemas.cql.Replication;
import io.aot.schemas.serde.AvroCodec;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.bouncycastle.crypto.signers.Ed25519Signer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code aot settlement} on a real Cassandra holding a committed ledger written by the real store path: the validators'
 * application ({@link InProcessChain}) commits blocks at chosen times over four Seoul days, and
 * {@link LedgerStoreJob#wireCommitted} (MiniCluster) writes every table from them. Every figure of a merchant's
 * three-day statement and of an acquirer's one-day statement (totals.csv and transactions.csv) equals a settlement
 * recomputed here from {@code transactions_by_id}; the chain holds a refund of an earlier day's payment, a refused
 * refund, an AOT payment, a second acquirer and merchant, and a payment made at 23:59:59.9 KST and committed after
 * midnight, which both statements settle on the day of commit. A tampered total is found.
 */
@ExtendWith(CassandraExtension.class)
class SettlementCommandIT {

    private static final ZoneId SEOUL = ZoneId.of("Asia/Seoul");
    private static final String CHAIN = "aot-settlement-it";
    private static final String ALPHA = "M-ALPHA";
    private static final String BETA = "M-BETA";
    private static final String GAMMA = "M-GAMMA";
    private static final String SHINHAN = "SHINHAN";
    private static final String KB = "KB";
    private static final LocalDate D1 = LocalDate.of(2026, 11, 22);
    private static final LocalDate D3 = LocalDate.of(2026, 11, 24);
    private static final BigInteger AOT = BigInteger.TEN.pow(18);

    private static final AvroCodec<TerminalPayment> CODEC = AvroCodec.of(TerminalPayment.class);
    private final Fleet fleet = Fleet.generate(19, 5, 40);
    private final Fleet.Customer coinCustomer = fleet.customers().stream().filter(c -> c.wallet() != null)
            .findFirst().orElseThrow();
    private long sequence;

    @TempDir
    Path dir;

    /** An instant written as Seoul wall time, e.g. {@code 2026-11-23T23:59:59.900}. */
    private static Instant kst(String localTime) {
        return OffsetDateTime.parse(localTime + "+09:00").toInstant();
    }

    private byte[] card(String txId, TransactionKind kind, String merchant, String acquirer, long krw, String paidAt,
            String originalTxId) {
        return CODEC.encode(payment(txId, kind, merchant, acquirer, new Money(BigDecimal.valueOf(krw), Currency.KRW),
                PaymentMethod.IC_CHIP, paidAt, originalTxId).build());
    }

    private byte[] coin(String txId, String merchant, String acquirer, BigInteger aotMinor, String paidAt) {
        TerminalPayment.Builder p = payment(txId, TransactionKind.PAYMENT, merchant, acquirer,
                new Money(new BigDecimal(aotMinor), Currency.AOT), PaymentMethod.AOT_COIN, paidAt, null)
                .setCustomerWallet(coinCustomer.wallet());
        Ed25519Signer signer = new Ed25519Signer();
        signer.init(true, coinCustomer.walletKey());
        byte[] message = WalletSignatures.signBytes(p.build());
        signer.update(message, 0, message.length);
        return CODEC.encode(p.setCustomerSignature(ByteBuffer.wrap(signer.generateSignature())).build());
    }

    /** Validators do not re-check device signatures (the ingest job did): the device signature is a placeholder. */
    private TerminalPayment.Builder payment(String txId, TransactionKind kind, String merchant, String acquirer,
            Money amount, PaymentMethod method, String paidAt, String originalTxId) {
        return TerminalPayment.newBuilder().setTxId(txId).setKind(kind).setTerminalId(merchant + "-T0")
                .setTerminalSequence(++sequence).setMerchantId(merchant).setMerchantCategory(MerchantCategory.CAFE)
                .setRegion(Region.SEOUL).setAcquirerId(acquirer).setMethod(method)
                .setWalletProvider(WalletProvider.NONE).setAmount(amount).setCustomerToken("tok-" + txId)
                .setOriginalTxId(originalTxId).setCreatedAtMillis(kst(paidAt)).setKeyId(merchant + "-T0-k1")
                .setSignatureAlgorithm(SignatureAlgorithm.ED25519).setSignature(ByteBuffer.wrap(new byte[64]));
    }

    private List<CommittedTx> chain() {
        InProcessChain chain = new InProcessChain(CHAIN, fleet.ledgerGenesis(1_000), 64 * 1024);
        List<CommittedTx> out = new ArrayList<>();
        // D1 (2026-11-22)
        out.addAll(chain.commitBlock(kst("2026-11-22T10:00:00").toEpochMilli(), List.of(
                card("a1", TransactionKind.PAYMENT, ALPHA, SHINHAN, 10_000, "2026-11-22T09:59:58", null),
                card("a2", TransactionKind.PAYMENT, ALPHA, SHINHAN, 25_000, "2026-11-22T09:59:59", null))));
        out.addAll(chain.commitBlock(kst("2026-11-22T15:30:00").toEpochMilli(), List.of(
                card("a1r", TransactionKind.REFUND, ALPHA, SHINHAN, 4_000, "2026-11-22T15:29:59", "a1"),
                card("g1", TransactionKind.PAYMENT, GAMMA, KB, 8_000, "2026-11-22T15:29:59", null))));
        // D2 (2026-11-23): a refund above what is left of a2 is refused and settles nothing
        out.addAll(chain.commitBlock(kst("2026-11-23T12:00:00").toEpochMilli(), List.of(
                card("a3", TransactionKind.PAYMENT, ALPHA, SHINHAN, 30_000, "2026-11-23T11:59:59", null),
                card("a4", TransactionKind.PAYMENT, ALPHA, KB, 12_000, "2026-11-23T11:59:59", null),
                card("b1", TransactionKind.PAYMENT, BETA, SHINHAN, 7_000, "2026-11-23T11:59:59", null),
                card("x1", TransactionKind.REFUND, ALPHA, SHINHAN, 99_999, "2026-11-23T11:59:59", "a2"))));
        out.addAll(chain.commitBlock(kst("2026-11-23T18:00:00").toEpochMilli(), List.of(
                coin("c1", ALPHA, SHINHAN, AOT.multiply(BigInteger.valueOf(5)).divide(BigInteger.TWO),
                        "2026-11-23T17:59:59"))));
        // D3 (2026-11-24): paid at 23:59:59.9 on D2, committed 0.4 s after midnight
        out.addAll(chain.commitBlock(kst("2026-11-24T00:00:00.400").toEpochMilli(), List.of(
                card("a5", TransactionKind.PAYMENT, ALPHA, SHINHAN, 50_000, "2026-11-23T23:59:59.900", null),
                card("b2", TransactionKind.PAYMENT, BETA, SHINHAN, 9_000, "2026-11-23T23:59:59.800", null))));
        out.addAll(chain.commitBlock(kst("2026-11-24T09:00:00").toEpochMilli(), List.of(
                card("a3r", TransactionKind.REFUND, ALPHA, SHINHAN, 5_000, "2026-11-24T08:59:59", "a3"),
                card("a6", TransactionKind.PAYMENT, ALPHA, KB, 3_000, "2026-11-24T08:59:59", null),
                card("g2", TransactionKind.PAYMENT, GAMMA, KB, 6_000, "2026-11-24T08:59:59", null))));
        out.addAll(chain.commitBlock(kst("2026-11-24T23:59:59.950").toEpochMilli(), List.of(
                card("a7", TransactionKind.PAYMENT, ALPHA, SHINHAN, 1_000, "2026-11-24T23:59:59", null))));
        // D4 (2026-11-25): outside both statements
        out.addAll(chain.commitBlock(kst("2026-11-25T00:00:01").toEpochMilli(), List.of(
                card("a8", TransactionKind.PAYMENT, ALPHA, SHINHAN, 2_000, "2026-11-25T00:00:00", null))));
        assertThat(out.stream().filter(c -> !c.blockRecord()).map(c -> c.tx == null ? "" : c.resultCode).toList())
                .as("the ledger's results").containsExactly("OK", "OK", "OK", "OK", "OK", "OK", "OK",
                        "REFUND_EXCEEDS_ORIGINAL", "OK", "OK", "OK", "OK", "OK", "OK", "OK", "OK");
        return out;
    }

    /** The store job's path from the committed chain on, on a MiniCluster, into {@code ks}; returns when written. */
    private void store(List<CommittedTx> chain, CassandraNode cassandra, String ks, LedgerGenesis genesis)
            throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(1);
        LedgerStoreJob.wireCommitted(env, CHAIN, env.fromData(chain, TypeInformation.of(CommittedTx.class)),
                new DiscardingSink<CommittedTransaction>(), new DiscardingSink<Rejection>(), cassandra.contactPoint(),
                ks, genesis);
        env.execute("settlement-it-store"); // bounded: every sink has flushed when it returns
    }

    /**
     * The settlement recomputed from {@code transactions_by_id}: per Seoul day of commit, currency, merchant and
     * acquirer, the committed (OK) payments and refunds counted and summed, fee 0 (the ledger has no merchant discount
     * rate), net = gross - refunds; each with its transaction ids.
     */
    private record Recomputed(Map<String, String> totals, Map<String, TreeSet<String>> lines) {
    }

    private static Recomputed recompute(CqlSession s, String ks, java.util.function.Predicate<String[]> party,
            LocalDate from, LocalDate to) {
        Map<String, long[]> counts = new TreeMap<>();
        Map<String, BigInteger[]> sums = new TreeMap<>();
        Map<String, TreeSet<String>> lines = new TreeMap<>();
        for (var r : s.execute("SELECT tx_id, kind, result_code, merchant_id, acquirer_id, currency, amount_minor, "
                + "block_time FROM " + ks + ".transactions_by_id")) {
            LocalDate day = r.getInstant(7).atZone(SEOUL).toLocalDate();
            String kind = r.getString(1);
            String[] who = {r.getString(3), r.getString(4)};
            if (!"OK".equals(r.getString(2)) || !("PAYMENT".equals(kind) || "REFUND".equals(kind))
                    || day.isBefore(from) || day.isAfter(to) || !party.test(who)) {
                continue;
            }
            String key = day + "," + r.getString(5) + "," + who[0] + "," + who[1];
            int i = "PAYMENT".equals(kind) ? 0 : 1;
            counts.computeIfAbsent(key, k -> new long[2])[i]++;
            BigInteger[] sum = sums.computeIfAbsent(key, k -> new BigInteger[] {BigInteger.ZERO, BigInteger.ZERO});
            sum[i] = sum[i].add(r.getBigInteger(6));
            lines.computeIfAbsent(key, k -> new TreeSet<>()).add(r.getString(0) + "," + kind + "," + r.getBigInteger(6));
        }
        Map<String, String> totals = new TreeMap<>();
        counts.forEach((key, c) -> {
            BigInteger[] a = sums.get(key);
            totals.put(key, c[0] + "," + a[0] + "," + c[1] + "," + a[1] + ",0," + a[0].subtract(a[1]));
        });
        return new Recomputed(totals, lines);
    }

    /** The statement's totals.csv and transactions.csv in the recomputation's shape. */
    private static Recomputed statement(Path out) throws Exception {
        Map<String, String> totals = new TreeMap<>();
        List<String> t = Files.readAllLines(out.resolve("totals.csv"));
        assertThat(t.get(0)).isEqualTo("day,currency,merchant_id,acquirer_id,payment_count,gross_minor,refund_count,"
                + "refund_minor,fee_minor,net_minor,as_of_height");
        for (String row : t.subList(1, t.size())) {
            String[] f = row.split(",", -1);
            assertThat(totals.put(f[0] + "," + f[1] + "," + f[2] + "," + f[3],
                    String.join(",", f[4], f[5], f[6], f[7], f[8], f[9]))).as("one row per total").isNull();
        }
        Map<String, TreeSet<String>> lines = new TreeMap<>();
        List<String> x = Files.readAllLines(out.resolve("transactions.csv"));
        assertThat(x.get(0)).isEqualTo("day,currency,merchant_id,acquirer_id,tx_id,kind,amount_minor,paid_at,"
                + "committed_at,height,method,terminal_id,original_tx_id");
        for (String row : x.subList(1, x.size())) {
            String[] f = row.split(",", -1);
            assertThat(lines.computeIfAbsent(f[0] + "," + f[1] + "," + f[2] + "," + f[3], k -> new TreeSet<>())
                    .add(f[4] + "," + f[5] + "," + f[6])).as("listed once").isTrue();
        }
        return new Recomputed(totals, lines);
    }

    private record Run(int exit, String out) {
    }

    private static Run run(String... args) {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        PrintStream old = System.out;
        System.setOut(new PrintStream(buffer, true, StandardCharsets.UTF_8));
        try {
            int exit = Main.commandLine().execute(args);
            return new Run(exit, buffer.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(old);
            System.out.print(buffer.toString(StandardCharsets.UTF_8));
        }
    }

    @Test
    void statementsReconcileWithTheCommittedLedger(CassandraNode cassandra) throws Exception {
        String ks = "aot_ledger_settle_" + Long.toHexString(System.nanoTime());
        try (CqlSession s = cassandra.newSession()) {
            CqlSchema.apply(Keyspace.LEDGER, ks, Replication.simple(1), s::execute);
        }
        store(chain(), cassandra, ks, fleet.ledgerGenesis(1_000));

        try (CqlSession s = cassandra.newSession()) {
            var a5 = s.execute("SELECT event_time, block_time, result_code FROM " + ks + ".transactions_by_id WHERE "
                    + "tx_id = 'a5'").one();
            assertThat(a5.getInstant(0).atZone(SEOUL).toLocalDate()).as("a5 paid on 23 Nov")
                    .isEqualTo(LocalDate.of(2026, 11, 23));
            assertThat(a5.getInstant(1).atZone(SEOUL).toLocalDate()).as("a5 committed on 24 Nov").isEqualTo(D3);
            assertThat(s.execute("SELECT result_code FROM " + ks + ".transactions_by_id WHERE tx_id = 'x1'").one()
                    .getString(0)).isEqualTo("REFUND_EXCEEDS_ORIGINAL");

            // The merchant over three days.
            Path merchantOut = dir.resolve("merchant");
            Run merchant = run("settlement", "--merchant", ALPHA, "--from", D1.toString(), "--to", D3.toString(),
                    "--cassandra", cassandra.contactPoint(), "--keyspace", ks, "--out", merchantOut.toString());
            assertThat(merchant.exit()).isZero();
            Recomputed expected = recompute(s, ks, who -> ALPHA.equals(who[0]), D1, D3);
            Recomputed got = statement(merchantOut);
            assertThat(got.totals()).as("merchant totals vs transactions_by_id").isEqualTo(expected.totals());
            assertThat(got.lines()).as("merchant transactions vs transactions_by_id").isEqualTo(expected.lines());
            // The figures themselves, so that a shared mistake of statement and recomputation shows too.
            assertThat(got.totals()).containsExactly(
                    Map.entry("2026-11-22,KRW,M-ALPHA,SHINHAN", "2,35000,1,4000,0,31000"),
                    Map.entry("2026-11-23,AOT,M-ALPHA,SHINHAN", "1,2500000000000000000,0,0,0,2500000000000000000"),
                    Map.entry("2026-11-23,KRW,M-ALPHA,KB", "1,12000,0,0,0,12000"),
                    Map.entry("2026-11-23,KRW,M-ALPHA,SHINHAN", "1,30000,0,0,0,30000"),
                    Map.entry("2026-11-24,KRW,M-ALPHA,KB", "1,3000,0,0,0,3000"),
                    Map.entry("2026-11-24,KRW,M-ALPHA,SHINHAN", "2,51000,1,5000,0,46000"));
            assertThat(got.lines().get("2026-11-24,KRW,M-ALPHA,SHINHAN"))
                    .containsExactly("a3r,REFUND,5000", "a5,PAYMENT,50000", "a7,PAYMENT,1000");
            assertThat(merchant.out()).contains("reconciled", "2026-11-24  KRW", "54,000", "49,000");
            String page = Files.readString(merchantOut.resolve("statement.html"));
            assertThat(page).contains("Settlement day = the Asia/Seoul date on which the transaction was committed",
                    "<td class=\"t\">a5</td><td class=\"t\">PAYMENT</td><td>50,000</td><td class=\"t\">"
                            + "2026-11-23T23:59:59.900+09:00</td><td class=\"t\">2026-11-24T00:00:00.400+09:00</td>",
                    "Every total equals the committed transactions");
            assertThat(Files.readString(merchantOut.resolve("transactions.csv"))).contains(
                    "2026-11-24,KRW,M-ALPHA,SHINHAN,a3r,REFUND,5000,2026-11-24T08:59:59.000+09:00,"
                            + "2026-11-24T09:00:00.000+09:00,");

            // The acquirer on the day after midnight.
            Path acquirerOut = dir.resolve("acquirer");
            Run acquirer = run("settlement", "--acquirer", SHINHAN, "--day", D3.toString(), "--cassandra",
                    cassandra.contactPoint(), "--keyspace", ks, "--out", acquirerOut.toString());
            assertThat(acquirer.exit()).isZero();
            expected = recompute(s, ks, who -> SHINHAN.equals(who[1]), D3, D3);
            got = statement(acquirerOut);
            assertThat(got.totals()).as("acquirer totals vs transactions_by_id").isEqualTo(expected.totals());
            assertThat(got.lines()).as("acquirer transactions vs transactions_by_id").isEqualTo(expected.lines());
            assertThat(got.totals()).containsExactly(
                    Map.entry("2026-11-24,KRW,M-ALPHA,SHINHAN", "2,51000,1,5000,0,46000"),
                    Map.entry("2026-11-24,KRW,M-BETA,SHINHAN", "1,9000,0,0,0,9000"));
            assertThat(Files.readString(acquirerOut.resolve("statement.html")))
                    .contains("acquirer SHINHAN", "id=\"day-basis\"", "b2");

            // A total that no longer matches its transactions is reported, exit 1.
            s.execute("UPDATE " + ks + ".daily_settlement_by_merchant SET gross_minor = 35001 WHERE merchant_id = '"
                    + ALPHA + "' AND year = 2026 AND day = '2026-11-22' AND acquirer_id = 'SHINHAN' AND currency = "
                    + "'KRW'");
            Run tampered = run("settlement", "--merchant", ALPHA, "--from", D1.toString(), "--to", D3.toString(),
                    "--cassandra", cassandra.contactPoint(), "--keyspace", ks, "--out",
                    dir.resolve("tampered").toString());
            assertThat(tampered.exit()).isEqualTo(1);
            assertThat(tampered.out()).contains("UNRECONCILED 2026-11-22 KRW merchant M-ALPHA acquirer SHINHAN: gross");
            s.execute("DROP KEYSPACE " + ks);
        }
    }
}
