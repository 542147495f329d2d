package io.aot.schemas.serde;

import org.apache.avro.util.ClassSecurityValidator;

/**
 * Process-wide Avro settings the codecs rely on, installed once when the first codec class loads.
 *
 * <p>Decode limits: Avro sizes a string, a byte array or an array's backing store from a length read off the wire and
 * by default allows up to ~2^31, so garbage could ask for gigabytes before the decoder notices the input is short.
 * Avro's own limit properties (read once, when Avro first decodes) cap each allocation at the largest record we
 * accept anyway. A value the user set explicitly wins.
 *
 * <p>Trusted classes: Avro 1.12 loads a specific record's class by the name in its schema only if the class is
 * trusted. Our generated records live in {@code io.aot.avro}; that package, and nothing else, is added to whatever
 * the process already trusts. A Flink TaskManager that deserializes our records before any codec loaded needs
 * {@code -Dorg.apache.avro.SERIALIZABLE_PACKAGES=io.aot.avro} (the job jars' docs say so).
 */
public final class AvroRuntimeGuards {

    static final String MAX_BYTES = "org.apache.avro.limits.bytes.maxLength";
    static final String MAX_STRING = "org.apache.avro.limits.string.maxLength";
    static final String MAX_ITEMS = "org.apache.avro.limits.collectionItems.maxLength";
    static final String GENERATED_PACKAGE = "io.aot.avro";

    private static boolean installed;

    private AvroRuntimeGuards() {
    }

    /** Idempotent. Code that hands our records to Flink's Avro serializer calls it before the first record moves. */
    public static synchronized void install() {
        if (installed) {
            return;
        }
        installed = true;
        setIfAbsent(MAX_BYTES, AvroCodec.DEFAULT_MAX_ENCODED_BYTES);
        setIfAbsent(MAX_STRING, AvroCodec.DEFAULT_MAX_ENCODED_BYTES);
        // Each array item takes at least one byte on the wire; 100k items is far above any record of ours.
        setIfAbsent(MAX_ITEMS, 100_000);

        ClassSecurityValidator.ClassSecurityPredicate current = ClassSecurityValidator.getGlobal();
        ClassSecurityValidator.setGlobal(ClassSecurityValidator.composite(current,
                type -> GENERATED_PACKAGE.equals(type.getPackageName())));
    }

    private static void setIfAbsent(String key, int value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, Integer.toString(value));
        }
    }
}
