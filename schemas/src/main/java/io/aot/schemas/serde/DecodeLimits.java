package io.aot.schemas.serde;

/**
 * Avro sizes a string, a byte array or an array's backing store from a length read off the wire, and by default allows
 * up to ~2^31. Garbage bytes could then ask for gigabytes before the decoder notices the input is short. These limits
 * (Avro's own system properties, read once when Avro first decodes) cap every such allocation at the largest record we
 * accept anyway. A value the user set explicitly wins.
 */
final class DecodeLimits {

    static final String MAX_BYTES = "org.apache.avro.limits.bytes.maxLength";
    static final String MAX_STRING = "org.apache.avro.limits.string.maxLength";
    static final String MAX_ITEMS = "org.apache.avro.limits.collectionItems.maxLength";

    private DecodeLimits() {
    }

    static void install() {
        setIfAbsent(MAX_BYTES, AvroCodec.DEFAULT_MAX_ENCODED_BYTES);
        setIfAbsent(MAX_STRING, AvroCodec.DEFAULT_MAX_ENCODED_BYTES);
        // Each array item takes at least one byte on the wire; 100k items is far above any record of ours.
        setIfAbsent(MAX_ITEMS, 100_000);
    }

    private static void setIfAbsent(String key, int value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, Integer.toString(value));
        }
    }
}
