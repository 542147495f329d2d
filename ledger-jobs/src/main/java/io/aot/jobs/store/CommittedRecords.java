package io.aot.jobs.store;

import io.aot.avro.ChainTransfer;
import io.aot.avro.CommittedTransaction;
import io.aot.avro.Currency;
import io.aot.avro.Money;
import io.aot.avro.Posting;
import io.aot.avro.PostingSide;
import io.aot.avro.TerminalPayment;
import io.aot.avro.TransactionKind;
import io.aot.consensus.flink.source.CommittedTx;
import io.aot.ledger.state.Accounts;
import io.aot.ledger.state.LedgerTxCodec;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns one committed transaction (bytes, result, events) into the {@link CommittedTransaction} record that analytics,
 * ads and Cassandra read. Each ledger transfer event becomes a pair of postings: a debit of the receiving account and a
 * credit of the giving one, in the transfer's currency (point assets {@code PT:<company>} count as {@code POINT}).
 */
public final class CommittedRecords {

    private final String chainId;
    private final LedgerTxCodec codec = new LedgerTxCodec();

    public CommittedRecords(String chainId) {
        this.chainId = chainId;
    }

    /** Null when the bytes are neither record (validators execute only decodable transactions, so: never). */
    public CommittedTransaction toRecord(CommittedTx c) {
        CommittedTransaction.Builder b = CommittedTransaction.newBuilder()
                .setResultCode(c.resultCode).setChainId(chainId).setHeight(c.height).setIndexInBlock(c.index)
                .setBlockHash(c.blockHashHex).setBlockTimeMillis(Instant.ofEpochMilli(c.blockTimeMillis))
                .setPostings(postings(c.events));
        LedgerTxCodec.Decoded tx = codec.decode(c.tx);
        if (tx.payment() != null) {
            TerminalPayment p = tx.payment();
            return b.setTxId(p.getTxId()).setKind(p.getKind()).setEventTimeMillis(p.getCreatedAtMillis())
                    .setTerminalId(p.getTerminalId()).setMerchantId(p.getMerchantId())
                    .setMerchantCategory(p.getMerchantCategory()).setRegion(p.getRegion())
                    .setAcquirerId(p.getAcquirerId()).setMethod(p.getMethod()).setWalletProvider(p.getWalletProvider())
                    .setAmount(p.getAmount()).setCustomerToken(p.getCustomerToken())
                    .setCustomerWallet(p.getCustomerWallet()).setOriginalTxId(p.getOriginalTxId())
                    .setPointCompanyId(p.getPointCompanyId()).build();
        }
        if (tx.chainTransfer() != null) {
            ChainTransfer t = tx.chainTransfer();
            return b.setTxId(t.getTransferId()).setKind(TransactionKind.CHAIN_TRANSFER)
                    .setEventTimeMillis(t.getBlockTimeMillis()).setAmount(t.getAmount())
                    .setCustomerWallet(customerWallet(t)).setChainTxHash(t.getTxHash()).build();
        }
        return null;
    }

    /**
     * The customer's wallet of a Klaytn transfer: the wallet the tokens leave (the log's {@code from}; the owner, for a
     * transferFrom), except for a mint, whose {@code from} is the zero address and which the ledger posts against the
     * token's supply account ({@link Accounts#chainAccount}): its customer is the wallet it credits. Never the zero
     * address (null only for a log from and to it).
     */
    static String customerWallet(ChainTransfer t) {
        if (!Accounts.ZERO_ADDRESS.equalsIgnoreCase(t.getFromAddress())) {
            return t.getFromAddress();
        }
        return Accounts.ZERO_ADDRESS.equalsIgnoreCase(t.getToAddress()) ? null : t.getToAddress();
    }

    static List<Posting> postings(String[] events) {
        List<Posting> out = new ArrayList<>();
        if (events == null) {
            return out;
        }
        for (String e : events) {
            String[] f = e.split("\\|");
            if (f.length != 5 || !"transfer".equals(f[0])) {
                continue;
            }
            Currency currency = f[3].startsWith("PT:") ? Currency.POINT : Currency.valueOf(f[3]);
            Money amount = new Money(new BigDecimal(f[4]), currency);
            out.add(new Posting(f[2], PostingSide.DEBIT, amount));
            out.add(new Posting(f[1], PostingSide.CREDIT, amount));
        }
        return out;
    }
}
