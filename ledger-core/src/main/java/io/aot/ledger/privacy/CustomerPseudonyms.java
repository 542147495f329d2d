package io.aot.ledger.privacy;

import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Replaces a customer token (or wallet) by HMAC-SHA256 under a secret key, before any stateful consumer keeps it:
 * the same customer gets the same pseudonym under one key, and without the key a pseudonym cannot be turned back into
 * a token or checked against a guessed one. The pseudonym is the first 16 bytes of the MAC as hex (128 bits: no
 * collision in any realistic population) prefixed with the key id, so rows made under two keys never mix.
 */
public final class CustomerPseudonyms implements Serializable {

    private static final long serialVersionUID = 1L;
    /** HMAC-SHA256 keys shorter than this are refused (RFC 2104: at least the hash's output length is recommended). */
    public static final int MIN_KEY_BYTES = 32;
    /** For local runs only (demo, tests, benchmarks): a fixed, public key. A deployment passes its own secret. */
    public static final String DEMO_KEY =
            "demo:64656d6f2d6b65792d6e6f742d612d7365637265742d757365642d6f6e6c792d6c6f63616c6c79";

    private final String keyId;
    private final byte[] key;
    private transient Mac mac;

    public CustomerPseudonyms(String keyId, byte[] key) {
        if (keyId == null || !keyId.matches("[a-z0-9-]{1,16}")) {
            throw new IllegalArgumentException("key id: 1-16 of [a-z0-9-]: " + keyId);
        }
        if (key == null || key.length < MIN_KEY_BYTES) {
            throw new IllegalArgumentException("pseudonym key: at least " + MIN_KEY_BYTES + " bytes");
        }
        this.keyId = keyId;
        this.key = key.clone();
    }

    /** {@code keyId:hex-key}, the form the jobs take on their command line or in a key file. */
    public static CustomerPseudonyms parse(String spec) {
        int colon = spec == null ? -1 : spec.indexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException("pseudonym key: expected keyId:hexkey");
        }
        return new CustomerPseudonyms(spec.substring(0, colon), HexFormat.of().parseHex(spec.substring(colon + 1).trim()));
    }

    /**
     * The key spec a job runs with, from its options. Fails closed: {@code keyFile} ({@code --pseudonym-key-file}, a
     * file holding {@code keyId:hexkey}: the way to pass a secret, since a command line shows in {@code ps}) or
     * {@code spec} ({@code --pseudonym-key}) must be given, not both; and the public {@link #DEMO_KEY} (or any key
     * with id {@code demo}) is refused unless {@code demo} is set, so a forgotten option or a typo cannot deploy with a
     * published key. With {@code demo} and no key, the demo key.
     *
     * @throws IllegalArgumentException naming the option at fault and what to pass instead
     */
    public static String deploymentKey(String spec, java.nio.file.Path keyFile, boolean demo) {
        if (spec != null && keyFile != null) {
            throw new IllegalArgumentException("give --pseudonym-key-file or --pseudonym-key, not both");
        }
        if (keyFile != null) {
            try {
                spec = java.nio.file.Files.readString(keyFile, StandardCharsets.UTF_8).trim();
            } catch (java.io.IOException e) {
                throw new IllegalArgumentException("--pseudonym-key-file " + keyFile + ": cannot read it (" + e + ")");
            }
        }
        if (spec == null) {
            if (demo) {
                return DEMO_KEY;
            }
            throw new IllegalArgumentException("--pseudonym-key-file FILE (keyId:hexkey, at least " + MIN_KEY_BYTES
                    + " random bytes) is required; only a local demo may run without one (--demo)");
        }
        CustomerPseudonyms parsed;
        try {
            parsed = parse(spec);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException((keyFile != null ? "--pseudonym-key-file " + keyFile : "--pseudonym-key")
                    + ": " + e.getMessage(), e);
        }
        if (!demo && ("demo".equals(parsed.keyId) || java.util.Arrays.equals(parsed.key, parse(DEMO_KEY).key))) {
            throw new IllegalArgumentException("the pseudonym key is the public demo key: refused outside a local demo"
                    + " (--demo); pass a secret of your own with --pseudonym-key-file FILE");
        }
        return spec;
    }

    public String keyId() {
        return keyId;
    }

    /** Null for null: an absent token stays absent. */
    public String of(String token) {
        if (token == null) {
            return null;
        }
        try {
            if (mac == null) {
                mac = Mac.getInstance("HmacSHA256");
                mac.init(new SecretKeySpec(key, "HmacSHA256"));
            }
            byte[] full = mac.doFinal(token.getBytes(StandardCharsets.UTF_8));
            return keyId + ":" + HexFormat.of().formatHex(full, 0, 16);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every Java 17 runtime", e);
        }
    }
}
