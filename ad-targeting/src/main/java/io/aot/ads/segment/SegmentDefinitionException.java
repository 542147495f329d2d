package io.aot.ads.segment;

/** A segment definition file that cannot be used, with a stable reason code and the place it went wrong. */
public final class SegmentDefinitionException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;
    private final String reasonCode;

    public SegmentDefinitionException(String reasonCode, String message) {
        super(reasonCode + ": " + message);
        this.reasonCode = reasonCode;
    }

    public String reasonCode() {
        return reasonCode;
    }
}
