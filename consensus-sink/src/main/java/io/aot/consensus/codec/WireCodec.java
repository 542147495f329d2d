package io.aot.consensus.codec;

import io.aot.consensus.codec.CanonicalReader.MalformedException;
import io.aot.consensus.crypto.Hash;
import io.aot.consensus.types.Block;
import io.aot.consensus.types.BlockHeader;
import io.aot.consensus.types.CommitCertificate;
import io.aot.consensus.types.DuplicateProposalEvidence;
import io.aot.consensus.types.DuplicateVoteEvidence;
import io.aot.consensus.types.Evidence;
import io.aot.consensus.types.Proposal;
import io.aot.consensus.types.ValidatorSet;
import io.aot.consensus.types.Vote;
import io.aot.consensus.types.VoteType;
import java.util.ArrayList;
import java.util.List;

/**
 * Byte encoding of consensus messages and stored blocks, on the canonical primitives. Decoding is bounded by
 * {@link Limits}: a peer cannot make us allocate more than a frame's worth, and an unknown type is an error. Every
 * numeric field is range-checked here, before any handler sees it: heights from 1, rounds from 0, a valid round in
 * {@code -1..round-1}, indexes and counts from 0, times from 0, a block at the height of the message that carries it.
 * Evidence is checked for its shape too (one validator, height, round and type; two different blocks), its
 * signatures by whoever verifies it against the validator set.
 * What needs the validator set (an index below its size, a proposer's turn) is the engine's check.
 */
public final class WireCodec {

    /** Message types on the wire. */
    public static final int PROPOSAL = 1;
    public static final int VOTE = 2;
    public static final int STATUS = 3;
    public static final int COMMITTED_BLOCK = 4;
    public static final int MEMPOOL_BATCH = 5;
    public static final int MEMPOOL_BATCH_HELD = 6;
    /** One piece of {@link Evidence}, relayed by validators that verified it (CometBFT's evidence reactor). */
    public static final int EVIDENCE = 7;

    /** Kinds of evidence, in a block or an {@link #EVIDENCE} message. */
    static final int DUPLICATE_VOTE = 1;
    static final int DUPLICATE_PROPOSAL = 2;

    /** Bounds on decoded structures. */
    public record Limits(int maxBlockTxs, int maxTxBytes, int maxChainIdBytes) {
        public static Limits defaults() {
            return new Limits(20_000, 64 * 1024, 64);
        }
    }

    /** A peer's height, gossiped so peers behind can be sent the blocks they miss. */
    public record Status(long height) {
    }

    /** A committed block with its certificate: block sync and the block store's record. */
    public record CommittedBlock(Block block, CommitCertificate certificate) {
    }

    /**
     * An endorsed batch a validator accepted from a client, forwarded to its peers so that every mempool holds it:
     * losing the validator that took it then loses no transaction, and every proposer can include it.
     */
    public record MempoolBatch(byte[] endorserKey, byte[] signature, List<byte[]> txs) {
    }

    /**
     * A peer's answer to a {@link MempoolBatch}: it holds the batch (each transaction in its mempool or committed, or
     * refused by the same deterministic check). The batch is named by its endorsement signature.
     */
    public record MempoolBatchHeld(byte[] batchSignature) {
    }

    private final Limits limits;

    /**
     * Encoded bytes of a proposal or committed-block frame beyond its transactions' own bytes, at most: the message
     * fields, a header with a chain id and proposer address at their limits, two certificates of
     * {@link ValidatorSet#MAX_VALIDATORS} signatures (the block's last commit and, in block sync, its own) and
     * {@link Evidence#MAX_PER_BLOCK} pieces of evidence.
     */
    static final int MAX_FRAME_OVERHEAD_BYTES = 1 + 8 + 4 + 4 + 4 + (4 + 64) // type, height, rounds, proposer, signature
            + (4 + 64) + 8 + 8 + 2 * (1 + 32) + 32 + 32 + (4 + 64) + 32 + 4 // header
            + 32 // evidence hash in the header
            + 4 + 1 // transaction count, last-commit flag
            + 4 + Evidence.MAX_PER_BLOCK * Evidence.MAX_ENCODED_BYTES // the block's evidence
            + 2 * (8 + 4 + 32 + 4 + ValidatorSet.MAX_VALIDATORS * (4 + 4 + 64)); // two certificates

    /**
     * The largest sum of transaction bytes a block of up to {@code maxBlockTxs} transactions may hold so that its
     * proposal and its block-sync message fit in a frame of {@code maxFrameBytes}: a block that does not fit is
     * dropped by every receiver, and every proposer would reap the same transactions again (the chain stalls).
     */
    public static long maxBlockTxBytes(int maxFrameBytes, int maxBlockTxs) {
        long bytes = (long) maxFrameBytes - MAX_FRAME_OVERHEAD_BYTES - 4L * maxBlockTxs; // a length per transaction
        if (bytes <= 0) {
            throw new IllegalArgumentException(maxBlockTxs + " transactions leave no room in a frame of "
                    + maxFrameBytes + " bytes");
        }
        return bytes;
    }

    public WireCodec(Limits limits) {
        this.limits = limits;
    }

    // ---------------------------------------------------------------- encoding

    public byte[] encodeMessage(Object message) {
        CanonicalWriter w = new CanonicalWriter();
        if (message instanceof Proposal p) {
            w.u8(PROPOSAL);
            writeProposal(w, p);
        } else if (message instanceof Vote v) {
            w.u8(VOTE);
            writeVote(w, v);
        } else if (message instanceof Status s) {
            w.u8(STATUS).i64(s.height());
        } else if (message instanceof MempoolBatch b) {
            w.u8(MEMPOOL_BATCH).bytes(b.endorserKey()).bytes(b.signature()).i32(b.txs().size());
            b.txs().forEach(w::bytes);
        } else if (message instanceof MempoolBatchHeld h) {
            w.u8(MEMPOOL_BATCH_HELD).bytes(h.batchSignature());
        } else if (message instanceof Evidence e) {
            w.u8(EVIDENCE);
            writeEvidence(w, e);
        } else if (message instanceof CommittedBlock c) {
            w.u8(COMMITTED_BLOCK);
            writeBlock(w, c.block());
            writeCertificate(w, c.certificate());
        } else {
            throw new IllegalArgumentException("not a wire message: " + message);
        }
        return w.toByteArray();
    }

    public byte[] encodeCommittedBlock(Block block, CommitCertificate certificate) {
        CanonicalWriter w = new CanonicalWriter();
        writeBlock(w, block);
        writeCertificate(w, certificate);
        return w.toByteArray();
    }

    public void writeVote(CanonicalWriter w, Vote v) {
        w.u8(v.type().code()).i64(v.height()).i32(v.round()).optionalHash(v.blockId()).i32(v.validatorIndex())
                .bytes(v.signature());
    }

    public void writeProposal(CanonicalWriter w, Proposal p) {
        w.i64(p.height()).i32(p.round()).i32(p.validRound()).i32(p.proposerIndex()).bytes(p.signature());
        writeBlock(w, p.block());
    }

    public void writeHeader(CanonicalWriter w, BlockHeader h) {
        w.string(h.chainId()).i64(h.height()).i64(h.timeMillis()).optionalHash(h.lastBlockId())
                .optionalHash(h.lastCommitHash()).hash(h.txRoot()).hash(h.evidenceHash())
                .hash(h.appHash()).string(h.proposerAddress()).hash(h.validatorSetHash()).i32(h.txCount());
    }

    public BlockHeader readHeader(CanonicalReader r) throws MalformedException {
        return new BlockHeader(r.string(limits.maxChainIdBytes()), atLeast(r.i64(), 1, "block height"),
                atLeast(r.i64(), 0, "block time"), r.optionalHash(), r.optionalHash(), r.hash(), r.hash(), r.hash(),
                r.string(64), r.hash(), atLeast(r.i32(), 0, "transaction count"));
    }

    public void writeBlock(CanonicalWriter w, Block b) {
        writeHeader(w, b.header());
        w.i32(b.txs().size());
        for (byte[] tx : b.txs()) {
            w.bytes(tx);
        }
        w.bool(b.lastCommit() != null);
        if (b.lastCommit() != null) {
            writeCertificate(w, b.lastCommit());
        }
        w.i32(b.evidence().size());
        for (Evidence e : b.evidence()) {
            writeEvidence(w, e);
        }
    }

    /** At most {@link Evidence#MAX_ENCODED_BYTES}. */
    public void writeEvidence(CanonicalWriter w, Evidence evidence) {
        if (evidence instanceof DuplicateVoteEvidence e) {
            w.u8(DUPLICATE_VOTE);
            writeVote(w, e.voteA());
            writeVote(w, e.voteB());
        } else if (evidence instanceof DuplicateProposalEvidence e) {
            w.u8(DUPLICATE_PROPOSAL).i64(e.height()).i32(e.round()).i32(e.proposerIndex());
            for (DuplicateProposalEvidence.Signed s : List.of(e.proposalA(), e.proposalB())) {
                w.i32(s.validRound()).hash(s.blockId()).bytes(s.signature());
            }
        } else {
            throw new IllegalArgumentException("unknown evidence " + evidence);
        }
    }

    public void writeCertificate(CanonicalWriter w, CommitCertificate c) {
        w.i64(c.height()).i32(c.round()).hash(c.blockId()).i32(c.signatures().size());
        for (CommitCertificate.Signature s : c.signatures()) {
            w.i32(s.validatorIndex()).bytes(s.signature());
        }
    }

    // ---------------------------------------------------------------- decoding

    public Object decodeMessage(byte[] bytes) throws MalformedException {
        CanonicalReader r = new CanonicalReader(bytes);
        int type = r.u8();
        Object message = switch (type) {
            case PROPOSAL -> readProposal(r);
            case VOTE -> readVote(r);
            case STATUS -> new Status(atLeast(r.i64(), 1, "status height"));
            case COMMITTED_BLOCK -> readCommittedBlock(r);
            case MEMPOOL_BATCH -> readMempoolBatch(r);
            case MEMPOOL_BATCH_HELD -> new MempoolBatchHeld(r.bytes(64));
            case EVIDENCE -> readEvidence(r);
            default -> throw new MalformedException("unknown message type " + type);
        };
        r.expectEnd();
        return message;
    }

    private MempoolBatch readMempoolBatch(CanonicalReader r) throws MalformedException {
        byte[] key = r.bytes(32);
        byte[] signature = r.bytes(64);
        int n = r.count(limits.maxBlockTxs(), "mempool batch size");
        List<byte[]> txs = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            txs.add(r.bytes(limits.maxTxBytes()));
        }
        return new MempoolBatch(key, signature, txs);
    }

    public CommittedBlock decodeCommittedBlock(byte[] bytes) throws MalformedException {
        CanonicalReader r = new CanonicalReader(bytes);
        CommittedBlock c = readCommittedBlock(r);
        r.expectEnd();
        return c;
    }

    private CommittedBlock readCommittedBlock(CanonicalReader r) throws MalformedException {
        Block block = readBlock(r);
        CommitCertificate certificate = readCertificate(r);
        if (certificate.height() != block.height()) {
            throw new MalformedException("certificate for height " + certificate.height() + " with block "
                    + block.height());
        }
        return new CommittedBlock(block, certificate);
    }

    private static long atLeast(long value, long min, String what) throws MalformedException {
        if (value < min) {
            throw new MalformedException(what + " " + value + " below " + min);
        }
        return value;
    }

    private static int atLeast(int value, int min, String what) throws MalformedException {
        if (value < min) {
            throw new MalformedException(what + " " + value + " below " + min);
        }
        return value;
    }

    public Vote readVote(CanonicalReader r) throws MalformedException {
        int code = r.u8();
        VoteType type = switch (code) {
            case 1 -> VoteType.PREVOTE;
            case 2 -> VoteType.PRECOMMIT;
            default -> throw new MalformedException("unknown vote type " + code);
        };
        return new Vote(type, atLeast(r.i64(), 1, "vote height"), atLeast(r.i32(), 0, "vote round"), r.optionalHash(),
                atLeast(r.i32(), 0, "validator index"), r.bytes(64));
    }

    public Proposal readProposal(CanonicalReader r) throws MalformedException {
        long height = atLeast(r.i64(), 1, "proposal height");
        int round = atLeast(r.i32(), 0, "proposal round");
        int validRound = atLeast(r.i32(), -1, "valid round");
        if (validRound >= round) {
            throw new MalformedException("valid round " + validRound + " not below round " + round);
        }
        int proposer = atLeast(r.i32(), 0, "proposer index");
        byte[] signature = r.bytes(64);
        Block block = readBlock(r);
        if (block.height() != height) {
            throw new MalformedException("proposal for height " + height + " with block " + block.height());
        }
        return new Proposal(height, round, validRound, block, proposer, signature);
    }

    public Block readBlock(CanonicalReader r) throws MalformedException {
        BlockHeader h = readHeader(r);
        int n = r.count(limits.maxBlockTxs(), "transaction count");
        List<byte[]> txs = new ArrayList<>(Math.min(n, 1024));
        for (int i = 0; i < n; i++) {
            txs.add(r.bytes(limits.maxTxBytes()));
        }
        CommitCertificate last = r.bool() ? readCertificate(r) : null;
        if (last != null && last.height() != h.height() - 1) {
            throw new MalformedException("last commit for height " + last.height() + " in block " + h.height());
        }
        int evidenceCount = r.count(Evidence.MAX_PER_BLOCK, "evidence count");
        List<Evidence> evidence = new ArrayList<>(evidenceCount);
        for (int i = 0; i < evidenceCount; i++) {
            Evidence e = readEvidence(r);
            if (e.height() >= h.height()) {
                throw new MalformedException("evidence of height " + e.height() + " in block " + h.height());
            }
            evidence.add(e);
        }
        return new Block(h, txs, last, evidence);
    }

    /**
     * The shape of a piece of evidence: both votes (or proposals) of one validator, height, round (and type), for two
     * different blocks (or valid rounds), every field in range. Signatures and the validator are the verifier's check.
     */
    public Evidence readEvidence(CanonicalReader r) throws MalformedException {
        int kind = r.u8();
        switch (kind) {
            case DUPLICATE_VOTE -> {
                Vote a = readVote(r);
                Vote b = readVote(r);
                if (a.height() != b.height() || a.round() != b.round() || a.type() != b.type()
                        || a.validatorIndex() != b.validatorIndex()) {
                    throw new MalformedException("duplicate-vote evidence of two validators, heights, rounds or types");
                }
                if (java.util.Objects.equals(a.blockId(), b.blockId())) {
                    throw new MalformedException("duplicate-vote evidence with one block twice");
                }
                return new DuplicateVoteEvidence(a, b);
            }
            case DUPLICATE_PROPOSAL -> {
                long height = atLeast(r.i64(), 1, "evidence height");
                int round = atLeast(r.i32(), 0, "evidence round");
                int proposer = atLeast(r.i32(), 0, "proposer index");
                DuplicateProposalEvidence.Signed a = readSignedProposal(r, round);
                DuplicateProposalEvidence.Signed b = readSignedProposal(r, round);
                if (a.validRound() == b.validRound() && a.blockId().equals(b.blockId())) {
                    throw new MalformedException("duplicate-proposal evidence with one proposal twice");
                }
                return new DuplicateProposalEvidence(height, round, proposer, a, b);
            }
            default -> throw new MalformedException("unknown evidence kind " + kind);
        }
    }

    private static DuplicateProposalEvidence.Signed readSignedProposal(CanonicalReader r, int round)
            throws MalformedException {
        int validRound = atLeast(r.i32(), -1, "valid round");
        if (validRound >= round) {
            throw new MalformedException("valid round " + validRound + " not below round " + round);
        }
        return new DuplicateProposalEvidence.Signed(validRound, r.hash(), r.bytes(64));
    }

    public CommitCertificate readCertificate(CanonicalReader r) throws MalformedException {
        long height = atLeast(r.i64(), 1, "certificate height");
        int round = atLeast(r.i32(), 0, "certificate round");
        Hash id = r.hash();
        int n = r.count(ValidatorSet.MAX_VALIDATORS, "signature count");
        List<CommitCertificate.Signature> sigs = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            sigs.add(new CommitCertificate.Signature(atLeast(r.i32(), 0, "signer index"), r.bytes(64)));
        }
        return new CommitCertificate(height, round, id, sigs);
    }
}
