package io.aot.schemas.cql;

import static org.assertj.core.api.Assertions.assertThat;

import io.aot.avro.Currency;
import io.aot.avro.MerchantCategory;
import io.aot.avro.PaymentMethod;
import io.aot.avro.Region;
import io.aot.avro.WalletProvider;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Every partition of every table stays under ~100k rows and ~100 MB at the design rate, computed from the table's key
 * in the DDL: the rows of a partition are the product, over its clustering columns, of how many values a column can
 * take once the partition key is fixed. Time-ordered columns (a block's height, a transaction's position) take as many
 * values as the design rate puts into the partition's time bucket ({@code second_of_day}: one second; {@code hour}).
 * Sources of the figures: the design rate is the architecture's (10,000 tx/s); enum sizes are the Avro enums'; fleet
 * sizes are Korea's (about 3 M card merchants, 20 acquirers and card companies, 52 M people); blocks are at least
 * {@value #MIN_BLOCK_INTERVAL_MS} ms apart (timeout_commit_ms defaults to 200).
 */
class PartitionBoundsTest {

    static final long TX_PER_SECOND = 10_000;
    static final long MAX_ROWS = 100_000;
    /** CUSTOMER_VELOCITY, CUSTOMER_DISTANT_REGIONS, TICKET_OUTLIER, TERMINAL_BURST. */
    static final long ALERT_RULES = 4;
    static final long MAX_BYTES = 100L * 1024 * 1024;
    static final long MIN_BLOCK_INTERVAL_MS = 100;
    static final long MERCHANTS = 3_000_000;
    static final long ACQUIRERS = 20;
    static final long CUSTOMERS = 52_000_000;
    static final long TERMINALS_PER_MERCHANT = 20_000;
    static final long RETENTION_YEARS = 10;
    /** A ledger account takes at most this many posting legs of one transaction (a transfer and its fee: 2). */
    static final long POSTINGS_PER_ACCOUNT_PER_TX = 4;

    /** Values a clustering column can take within one partition, given the columns of the partition key. */
    static long cardinality(String table, String column, List<String> partition) {
        long perSecond = TX_PER_SECOND * (table.startsWith("postings") ? POSTINGS_PER_ACCOUNT_PER_TX : 1);
        return switch (column) {
            // One transaction or posting per position: as many as the design rate puts into the time bucket.
            case "height", "block_time", "index_in_block", "leg", "tx_id" -> {
                if (partition.contains("second_of_day")) {
                    yield column.equals("height") || column.equals("block_time") ? perSecond : 1;
                }
                if (table.equals("blocks_by_day") && partition.contains("hour")) {
                    yield 3_600_000 / MIN_BLOCK_INTERVAL_MS;
                }
                yield Long.MAX_VALUE; // unbounded: no time bucket
            }
            case "day" -> partition.contains("year") ? 366 : 366 * RETENTION_YEARS;
            case "hour" -> 24;
            case "currency" -> Currency.values().length;
            case "acquirer_id" -> ACQUIRERS;
            case "merchant_id" -> partition.contains("merchant_shard") ? MERCHANTS / 128 : MERCHANTS;
            case "merchant_category" -> MerchantCategory.values().length;
            case "region" -> Region.values().length;
            case "method" -> PaymentMethod.values().length;
            case "wallet_provider" -> WalletProvider.values().length;
            case "rank" -> 1_000; // --top-k is at most 1,000
            case "flow" -> 16;
            case "point_company_id" -> 1_000;
            case "terminal_id" -> TERMINALS_PER_MERCHANT;
            case "segment_id" -> 10_000; // segments a member can be in
            // segment_members: members spread over 1,024 buckets by hash; the whole population in one segment
            case "member" -> partition.contains("bucket") ? CUSTOMERS / 1_024 : Long.MAX_VALUE;
            // Alerts: the analytics job passes at most 10,000 per rule and hour (AlertThresholds.
            // MAX_ALERTS_PER_RULE_PER_HOUR, AlertBudgetFunction) and one summary per rule and hour beyond that.
            case "raised_at" -> partition.contains("hour") ? ALERT_RULES * (10_000 + 1) : Long.MAX_VALUE;
            // Exports are made by people through the advertiser API: 50,000 a day is far above any use.
            case "exported_at" -> 50_000;
            case "alert_id", "export_id" -> 1;
            default -> throw new AssertionError(table + "." + column + ": no bound known for this clustering column");
        };
    }

    /** Bytes a value of a CQL type takes at most in a row, as written here (blobs: a block header and certificate). */
    static long bytes(String type) {
        return switch (type) {
            case "blob" -> 64 * 1024;
            case "text" -> 128;
            case "varint" -> 24;
            case "list<text>" -> 20 * 64; // alerts name at most 20 tx ids (AlertThresholds.MAX_TX_IDS)
            case "set<text>" -> 1_000 * 64;
            default -> 8;
        };
    }

    record Table(String name, Map<String, String> columns, List<String> partition, List<String> clustering) {
    }

    @Test
    void everyPartitionOfEveryTableIsBoundedAtTheDesignRate() {
        List<String> report = new ArrayList<>();
        List<String> over = new ArrayList<>();
        for (Keyspace k : Keyspace.values()) {
            for (Table t : tables(k)) {
                long rows = 1;
                for (String c : t.clustering()) {
                    rows = multiply(rows, cardinality(t.name(), c, t.partition()));
                }
                long rowBytes = t.columns().values().stream().mapToLong(PartitionBoundsTest::bytes).sum() + 32;
                long partitionBytes = multiply(rows, rowBytes);
                String line = k + "." + t.name() + " " + t.partition() + " " + t.clustering() + ": <= " + rows
                        + " rows, <= " + partitionBytes / 1024 + " KiB";
                report.add(line);
                if (rows > MAX_ROWS || partitionBytes > MAX_BYTES) {
                    over.add(line);
                }
            }
        }
        report.forEach(System.out::println);
        assertThat(report).hasSizeGreaterThan(25);
        assertThat(over).as("partitions over %,d rows or %,d bytes", MAX_ROWS, MAX_BYTES).isEmpty();
    }

    private static long multiply(long a, long b) {
        try {
            return Math.multiplyExact(a, b);
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE;
        }
    }

    /** The table's name and its column definitions (up to the line that closes them). */
    private static final Pattern CREATE_TABLE = Pattern.compile(
            "CREATE TABLE IF NOT EXISTS \\w+\\.(\\w+) \\(\n(.*)\n\\).*", Pattern.DOTALL);
    private static final Pattern PRIMARY_KEY = Pattern.compile("PRIMARY KEY \\(\\((.*?)\\)(.*)\\)");

    static List<Table> tables(Keyspace k) {
        List<Table> out = new ArrayList<>();
        for (String s : CqlSchema.statements(k, "ks", Replication.simple(1))) {
            Matcher m = CREATE_TABLE.matcher(s);
            if (!m.matches()) {
                continue;
            }
            Map<String, String> columns = new LinkedHashMap<>();
            List<String> partition = null;
            List<String> clustering = List.of();
            for (String def : m.group(2).split(",\n")) {
                def = def.trim();
                Matcher pk = PRIMARY_KEY.matcher(def);
                if (pk.matches()) {
                    partition = names(pk.group(1));
                    clustering = names(pk.group(2).replaceFirst("^\\s*,", ""));
                } else {
                    String[] parts = def.split("\\s+");
                    columns.put(parts[0], parts[1]);
                    if (def.endsWith("PRIMARY KEY")) {
                        partition = List.of(parts[0]);
                    }
                }
            }
            assertThat(partition).as(m.group(1) + " has a primary key").isNotNull();
            out.add(new Table(m.group(1), columns, partition, clustering));
        }
        return out;
    }

    private static List<String> names(String list) {
        return Arrays.stream(list.split(",")).map(String::trim).filter(x -> !x.isEmpty()).toList();
    }
}
