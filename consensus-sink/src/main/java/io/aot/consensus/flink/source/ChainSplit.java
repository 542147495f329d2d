package io.aot.consensus.flink.source;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.connector.source.SourceSplit;
import org.apache.flink.core.io.SimpleVersionedSerializer;

/** The one split of a chain: the next height to read. Checkpointed by the reader, so a restore resumes exactly. */
public record ChainSplit(long nextHeight) implements SourceSplit {

    public ChainSplit {
        if (nextHeight < 1) {
            throw new IllegalArgumentException("heights start at 1, got " + nextHeight);
        }
    }

    @Override
    public String splitId() {
        return "chain";
    }

    /** Serializes one split. */
    public static final class Serializer implements SimpleVersionedSerializer<ChainSplit> {
        @Override
        public int getVersion() {
            return 1;
        }

        @Override
        public byte[] serialize(ChainSplit split) {
            return ByteBuffer.allocate(8).putLong(split.nextHeight()).array();
        }

        @Override
        public ChainSplit deserialize(int version, byte[] serialized) throws IOException {
            if (serialized.length != 8) {
                throw new IOException("a chain split is 8 bytes, got " + serialized.length);
            }
            return new ChainSplit(ByteBuffer.wrap(serialized).getLong());
        }
    }

    /** Serializes the enumerator's pending splits (none, or the one split returned by a failed reader). */
    public static final class ListSerializer implements SimpleVersionedSerializer<List<ChainSplit>> {
        @Override
        public int getVersion() {
            return 1;
        }

        @Override
        public byte[] serialize(List<ChainSplit> splits) throws IOException {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (DataOutputStream out = new DataOutputStream(bytes)) {
                out.writeInt(splits.size());
                for (ChainSplit s : splits) {
                    out.writeLong(s.nextHeight());
                }
            }
            return bytes.toByteArray();
        }

        @Override
        public List<ChainSplit> deserialize(int version, byte[] serialized) throws IOException {
            DataInputStream in = new DataInputStream(new ByteArrayInputStream(serialized));
            int n = in.readInt();
            if (n < 0 || n > 1) {
                throw new IOException("a chain has one split, state holds " + n);
            }
            List<ChainSplit> out = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                out.add(new ChainSplit(in.readLong()));
            }
            return out;
        }
    }
}
