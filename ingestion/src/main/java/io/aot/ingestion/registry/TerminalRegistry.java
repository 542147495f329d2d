package io.aot.ingestion.registry;

import com.datastax.oss.driver.api.core.ConsistencyLevel;
import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.DefaultConsistencyLevel;
import com.datastax.oss.driver.api.core.cql.BatchStatement;
import com.datastax.oss.driver.api.core.cql.DefaultBatchType;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import io.aot.avro.SignatureAlgorithm;
import io.aot.ledger.terminal.Terminal;
import io.aot.ledger.terminal.TerminalDirectory;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The terminal registry in Cassandra ({@code aot_ledger.terminals} and {@code terminals_by_merchant}): register,
 * revoke, look up, list. Registration is an idempotent upsert of the whole row; revocation keeps the row (audit needs
 * the key of a revoked terminal to re-verify its old payments) and only changes the status.
 *
 * <p>Every read and write runs at one consistency level, {@link #DEFAULT_CONSISTENCY} (LOCAL_QUORUM) unless given:
 * with replication factor 3 a revocation written to 2 replicas is seen by every read from 2 (2 + 2 > 3), so a stolen
 * terminal is refused everywhere once {@code aot terminals revoke} returns. At the driver's default (LOCAL_ONE) for
 * both, a read could reach the one replica that has not yet heard of the revocation.
 */
public final class TerminalRegistry implements TerminalDirectory {

    /** Ids are printable and short so they fit keys, file names and log lines. */
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:#-]{0,63}");
    /** Bound on one listing, so a CLI call never pulls an unbounded table into memory. */
    public static final int MAX_LIST = 100_000;

    /** Registration, revocation and lookups: see the class comment. */
    public static final ConsistencyLevel DEFAULT_CONSISTENCY = DefaultConsistencyLevel.LOCAL_QUORUM;

    private final CqlSession session;
    private final boolean ownsSession;
    private final ConsistencyLevel consistency;
    private final PreparedStatement insert;
    private final PreparedStatement insertByMerchant;
    private final PreparedStatement select;
    private final PreparedStatement revoke;
    private final PreparedStatement revokeByMerchant;
    private final PreparedStatement selectByMerchant;
    private final PreparedStatement selectAll;

    public TerminalRegistry(CqlSession session, String keyspace) {
        this(session, keyspace, DEFAULT_CONSISTENCY, false);
    }

    public TerminalRegistry(CqlSession session, String keyspace, ConsistencyLevel consistency) {
        this(session, keyspace, consistency, false);
    }

    private TerminalRegistry(CqlSession session, String keyspace, ConsistencyLevel consistency, boolean ownsSession) {
        this.session = session;
        this.ownsSession = ownsSession;
        this.consistency = consistency;
        String t = keyspace + ".terminals";
        String m = keyspace + ".terminals_by_merchant";
        insert = session.prepare("INSERT INTO " + t + " (terminal_id, merchant_id, merchant_name, merchant_category, region,"
                + " acquirer_id, key_id, key_algorithm, public_key, status, registered_at, revoked_at)"
                + " VALUES (?,?,?,?,?,?,?,?,?,?,?,?)");
        insertByMerchant = session.prepare("INSERT INTO " + m + " (merchant_id, terminal_id, status) VALUES (?,?,?)");
        select = session.prepare("SELECT * FROM " + t + " WHERE terminal_id = ?");
        revoke = session.prepare("UPDATE " + t + " SET status = 'REVOKED', revoked_at = ? WHERE terminal_id = ?");
        revokeByMerchant = session.prepare("UPDATE " + m + " SET status = 'REVOKED' WHERE merchant_id = ? AND terminal_id = ?");
        selectByMerchant = session.prepare("SELECT terminal_id FROM " + m + " WHERE merchant_id = ?");
        selectAll = session.prepare("SELECT * FROM " + t);
    }

    /** A registry with its own session, closed with it. */
    public static TerminalRegistry connect(InetSocketAddress contactPoint, String localDatacenter, String keyspace) {
        return connect(contactPoint, localDatacenter, keyspace, DEFAULT_CONSISTENCY);
    }

    /** As {@link #connect(InetSocketAddress, String, String)}, at {@code consistency} for every read and write. */
    public static TerminalRegistry connect(InetSocketAddress contactPoint, String localDatacenter, String keyspace,
            ConsistencyLevel consistency) {
        CqlSession session = CqlSession.builder().addContactPoint(contactPoint).withLocalDatacenter(localDatacenter)
                .build();
        try {
            return new TerminalRegistry(session, keyspace, consistency, true);
        } catch (RuntimeException e) {
            session.close();
            throw e;
        }
    }

    /** A registry that takes over {@code session}: closing the registry closes it (also if this fails). */
    public static TerminalRegistry owning(CqlSession session, String keyspace) {
        return owning(session, keyspace, DEFAULT_CONSISTENCY);
    }

    /** As {@link #owning(CqlSession, String)}, at {@code consistency} for every read and write. */
    public static TerminalRegistry owning(CqlSession session, String keyspace, ConsistencyLevel consistency) {
        try {
            return new TerminalRegistry(session, keyspace, consistency, true);
        } catch (RuntimeException e) {
            session.close();
            throw e;
        }
    }

    public void register(Terminal terminal) {
        validate(terminal);
        session.execute(BatchStatement.newInstance(DefaultBatchType.LOGGED,
                insert.bind(terminal.terminalId(), terminal.merchantId(), terminal.merchantName(),
                        terminal.merchantCategory(), terminal.region(), terminal.acquirerId(), terminal.keyId(),
                        terminal.algorithm().name(), ByteBuffer.wrap(terminal.publicKey()), terminal.status().name(),
                        terminal.registeredAt(), terminal.revokedAt()),
                insertByMerchant.bind(terminal.merchantId(), terminal.terminalId(), terminal.status().name()))
                .setConsistencyLevel(consistency));
    }

    /** Revokes a registered terminal; false when there is no such terminal. */
    public boolean revoke(String terminalId, Instant at) {
        Optional<Terminal> existing = find(terminalId);
        if (existing.isEmpty()) {
            return false;
        }
        session.execute(BatchStatement.newInstance(DefaultBatchType.LOGGED, revoke.bind(at, terminalId),
                revokeByMerchant.bind(existing.get().merchantId(), terminalId)).setConsistencyLevel(consistency));
        return true;
    }

    @Override
    public Optional<Terminal> find(String terminalId) {
        if (terminalId == null || !ID.matcher(terminalId).matches()) {
            return Optional.empty();
        }
        Row row = session.execute(select.bind(terminalId).setConsistencyLevel(consistency)).one();
        return Optional.ofNullable(row).map(TerminalRegistry::terminal);
    }

    public List<Terminal> list(Optional<String> merchantId, int limit) {
        int bound = Math.min(limit, MAX_LIST);
        List<Terminal> out = new ArrayList<>();
        if (merchantId.isPresent()) {
            for (Row r : session.execute(selectByMerchant.bind(merchantId.get()).setConsistencyLevel(consistency))) {
                if (out.size() >= bound) {
                    break;
                }
                find(r.getString("terminal_id")).ifPresent(out::add);
            }
        } else {
            for (Row r : session.execute(selectAll.bind().setPageSize(1000).setConsistencyLevel(consistency))) {
                if (out.size() >= bound) {
                    break;
                }
                out.add(terminal(r));
            }
        }
        return out;
    }

    private static void validate(Terminal t) {
        for (String id : new String[] {t.terminalId(), t.merchantId(), t.acquirerId(), t.keyId()}) {
            if (id == null || !ID.matcher(id).matches()) {
                throw new IllegalArgumentException("invalid id (1-64 of [A-Za-z0-9._:#-]): " + id);
            }
        }
        int keyBytes = t.publicKey() == null ? 0 : t.publicKey().length;
        boolean keyShapeOk = switch (t.algorithm()) {
            case ED25519 -> keyBytes == 32;
            case ECDSA_P256_SHA256 -> keyBytes == 33 || keyBytes == 65;
        };
        if (!keyShapeOk) {
            throw new IllegalArgumentException(t.algorithm() + " public key of " + keyBytes
                    + " bytes (Ed25519: 32; P-256: 33 compressed or 65 uncompressed SEC1)");
        }
    }

    private static Terminal terminal(Row r) {
        ByteBuffer key = r.getByteBuffer("public_key");
        byte[] publicKey = new byte[key == null ? 0 : key.remaining()];
        if (key != null) {
            key.duplicate().get(publicKey);
        }
        return new Terminal(r.getString("terminal_id"), r.getString("merchant_id"), r.getString("merchant_name"),
                r.getString("merchant_category"), r.getString("region"), r.getString("acquirer_id"),
                r.getString("key_id"), SignatureAlgorithm.valueOf(r.getString("key_algorithm")), publicKey,
                Terminal.Status.valueOf(r.getString("status")), r.getInstant("registered_at"), r.getInstant("revoked_at"));
    }

    @Override
    public void close() {
        if (ownsSession) {
            session.close();
        }
    }
}
