package io.aot.ads.access;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.Row;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Optional;
import java.util.Set;

/**
 * Advertisers' API keys, in {@code aot_ads.advertiser_keys}: only the key's SHA-256 is stored, with the advertiser and
 * the segments the key may read. A key is shown once, when it is made.
 */
public final class AdvertiserKeys {

    /** An advertiser as a valid key names them. */
    public record Advertiser(String name, Set<String> segments) {
        public boolean mayRead(String segmentId) {
            return segments.contains(segmentId);
        }
    }

    private final CqlSession session;
    private final String keyspace;

    public AdvertiserKeys(CqlSession session, String keyspace) {
        this.session = session;
        this.keyspace = keyspace;
    }

    /** Makes a key for {@code advertiser} scoped to {@code segments}; returns it (it is not stored). */
    public String create(String advertiser, Set<String> segments) {
        if (advertiser == null || !advertiser.matches("[A-Za-z0-9._-]{1,64}")) {
            throw new IllegalArgumentException("advertiser: 1-64 of [A-Za-z0-9._-]");
        }
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        String key = "aotk_" + HexFormat.of().formatHex(secret);
        session.execute(session.prepare("INSERT INTO " + keyspace + ".advertiser_keys (key_sha256, advertiser, segments, "
                + "created_at) VALUES (?, ?, ?, ?)").bind(sha256(key), advertiser, segments, Instant.now()));
        return key;
    }

    public void revoke(String key) {
        session.execute(session.prepare("UPDATE " + keyspace + ".advertiser_keys SET revoked_at = ? WHERE key_sha256 = ?")
                .bind(Instant.now(), sha256(key)));
    }

    /** The advertiser a presented key belongs to; empty for an unknown or revoked key. */
    public Optional<Advertiser> find(String key) {
        if (key == null || key.length() > 200) {
            return Optional.empty();
        }
        Row r = session.execute(session.prepare("SELECT advertiser, segments, revoked_at FROM " + keyspace
                + ".advertiser_keys WHERE key_sha256 = ?").bind(sha256(key))).one();
        if (r == null || r.getInstant(2) != null) {
            return Optional.empty();
        }
        return Optional.of(new Advertiser(r.getString(0), Set.copyOf(r.getSet(1, String.class))));
    }

    static String sha256(String key) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }
}
