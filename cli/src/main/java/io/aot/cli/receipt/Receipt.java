package io.aot.cli.receipt;

import io.aot.consensus.codec.CanonicalReader;
import io.aot.consensus.codec.CanonicalWriter;
import io.aot.consensus.codec.WireCodec;
import io.aot.consensus.crypto.Hash;
import io.aot.consensus.crypto.MerkleTree;
import io.aot.consensus.node.ValidatorClient;
import io.aot.consensus.types.BlockHeader;
import io.aot.consensus.types.CommitCertificate;
import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Properties;

/**
 * A payment receipt anyone can check offline with only the genesis validator set: the transaction's bytes, the
 * header of its block, the Merkle proof from the transaction to the header's root, and the commit certificate of the
 * block. Stored as a properties file with hex values (docs/receipts.md), so it can be read, mailed and diffed.
 */
public record Receipt(String txId, long height, int index, byte[] tx, BlockHeader header, MerkleTree.Proof proof,
        CommitCertificate certificate) {

    private static final WireCodec CODEC = new WireCodec(WireCodec.Limits.defaults());
    private static final HexFormat HEX = HexFormat.of();

    public static Receipt of(String txId, ValidatorClient.TxProof p) {
        return new Receipt(txId, p.header().height(), p.proof().index(), p.tx(), p.header(), p.proof(), p.certificate());
    }

    public void write(Path file) throws IOException {
        Properties p = new Properties();
        p.setProperty("format", "aot-receipt/v1");
        p.setProperty("tx_id", txId);
        p.setProperty("height", Long.toString(height));
        p.setProperty("index", Integer.toString(index));
        p.setProperty("tx", HEX.formatHex(tx));
        CanonicalWriter h = new CanonicalWriter();
        CODEC.writeHeader(h, header);
        p.setProperty("header", HEX.formatHex(h.toByteArray()));
        p.setProperty("proof.index", Integer.toString(proof.index()));
        p.setProperty("proof.total", Integer.toString(proof.total()));
        p.setProperty("proof.aunts", String.join(",", proof.aunts().stream().map(Hash::hex).toList()));
        CanonicalWriter c = new CanonicalWriter();
        CODEC.writeCertificate(c, certificate);
        p.setProperty("certificate", HEX.formatHex(c.toByteArray()));
        try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            p.store(w, "AOT payment receipt: verify with ./aot receipt --verify FILE --genesis genesis.properties");
        }
    }

    /** Reads a receipt; a file that is not one fails with the field at fault. */
    public static Receipt read(Path file) throws IOException {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        }
        if (!"aot-receipt/v1".equals(p.getProperty("format"))) {
            throw new IOException("not an aot-receipt/v1 file");
        }
        try {
            List<Hash> aunts = new ArrayList<>();
            String a = p.getProperty("proof.aunts", "");
            if (!a.isEmpty()) {
                for (String hex : a.split(",")) {
                    aunts.add(Hash.fromHex(hex));
                }
            }
            CanonicalReader h = new CanonicalReader(HEX.parseHex(require(p, "header")));
            BlockHeader header = CODEC.readHeader(h);
            h.expectEnd();
            CanonicalReader c = new CanonicalReader(HEX.parseHex(require(p, "certificate")));
            CommitCertificate certificate = CODEC.readCertificate(c);
            c.expectEnd();
            return new Receipt(require(p, "tx_id"), Long.parseLong(require(p, "height")),
                    Integer.parseInt(require(p, "index")), HEX.parseHex(require(p, "tx")), header,
                    new MerkleTree.Proof(Integer.parseInt(require(p, "proof.index")),
                            Integer.parseInt(require(p, "proof.total")), aunts), certificate);
        } catch (CanonicalReader.MalformedException | IllegalArgumentException e) {
            throw new IOException("malformed receipt: " + e.getMessage(), e);
        }
    }

    private static String require(Properties p, String key) throws IOException {
        String v = p.getProperty(key);
        if (v == null) {
            throw new IOException("receipt misses " + key);
        }
        return v;
    }
}
