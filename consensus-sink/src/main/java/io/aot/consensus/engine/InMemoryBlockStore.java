package io.aot.consensus.engine;

import io.aot.consensus.types.Block;
import io.aot.consensus.types.CommitCertificate;
import java.util.ArrayList;
import java.util.List;

/** Block store in memory: simulations (where it stands for the disk that survives a crash) and tests. */
public final class InMemoryBlockStore implements BlockStore {

    private final List<Entry> entries = new ArrayList<>();

    @Override
    public synchronized long height() {
        return entries.size();
    }

    @Override
    public synchronized Entry load(long height) {
        return height >= 1 && height <= entries.size() ? entries.get((int) (height - 1)) : null;
    }

    @Override
    public synchronized void save(Block block, CommitCertificate certificate) {
        if (block.height() != entries.size() + 1) {
            throw new IllegalStateException("block " + block.height() + " after height " + entries.size());
        }
        entries.add(new Entry(block, certificate));
    }
}
